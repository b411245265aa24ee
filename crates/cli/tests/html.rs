//! `--format html`: a saved shop page through validate and aggregate, detection, the comma
//! rule of `--map`, and the errors a user can meet.

mod common;

use std::path::PathBuf;

use common::{path, report, run, stderr, stdout, TempDir};
use serde_json::json;

fn page() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/orders_page.html")
}

/// `tradelens validate --input FILE --format html --map MAP`.
fn validate_html(file: &std::path::Path, map: &str) -> std::process::Output {
    run(&[
        "validate",
        "--input",
        path(file),
        "--format",
        "html",
        "--map",
        map,
    ])
}

const MAP: &str = "row=#orders tr,id=td.order,time=td.time time@datetime,price=td.price,\
                   qty=td.qty,symbol=td.product,category=td.category";

#[test]
fn a_saved_page_is_validated_row_by_row() {
    let out = run(&["validate", "--input", path(&page()), "--map", MAP]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    // Six data rows: #1003 has no price, the second #1001 repeats the first; the header row
    // (th cells only) is skipped. Detected from `<!DOCTYPE html>`, not given.
    assert_eq!(r["format"], "html", "{r}");
    assert_eq!(r["accepted"], 4, "{r}");
    assert_eq!(r["skipped"], 1, "{r}");
    assert_eq!(r["rejected"], 2, "{r}");
    assert_eq!(r["reasons"], json!({"invalid_price": 1, "duplicate": 1}));
    assert_eq!(
        r["quarantined"][0],
        json!({
            "position": "row 4",
            "reason": "invalid_price",
            "detail": "row 4: field `td.price` (price) has value `n/a`, expected a decimal number",
            "raw": "#1003,2025-10-07T09:52:00Z,n/a,3,Scone,cakes",
        })
    );
    assert_eq!(r["quarantined"][1]["reason"], "duplicate", "{r}");
    let bytes = std::fs::metadata(page()).unwrap().len();
    assert_eq!(r["bytes"], bytes, "{r}");
}

#[test]
fn a_page_aggregates_like_any_other_input() {
    let out = run(&[
        "aggregate",
        "--input",
        path(&page()),
        "--format",
        "html",
        "--map",
        MAP,
        "--bucket",
        "1h",
        "--by",
        "category",
        "--metrics",
        "count,volume,notional",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // 09:00 drinks: green tea 2 x 10.50 and the <script> product 1 x 3 = 24; cakes: 1 x 4.25;
    // 10:00 drinks: 1 x 2.75. The markup product is data, read as text.
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "2025-10-07T09:00:00+00:00,cakes,1,1,4.25",
            "2025-10-07T09:00:00+00:00,drinks,2,3,24",
            "2025-10-07T10:00:00+00:00,drinks,1,1,2.75",
        ],
        "{text}"
    );
}

#[test]
fn selector_lists_keep_their_commas_and_times_default_to_the_text() {
    let dir = TempDir::new("html");
    let file = dir.file(
        "list.html",
        "<ul><li><b class=when>1700000000</b><i class=p>1,5</i></li>\
         <li><b class=when>1700000060</b><em class=p>2</em></li></ul>",
    );
    // `price=i.p, em.p` is one selector list; the epoch unit follows from the first time.
    let out = validate_html(&file, "row=li,time=b.when,price=i.p, em.p");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&out);
    // "1,5" is not a decimal without --decimal-comma: one reject, one accepted.
    assert_eq!(r["accepted"], 1, "{r}");
    assert_eq!(r["rejected"], 1, "{r}");
    let detail = r["quarantined"][0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("field `i.p, em.p` (price) has value `1,5`"),
        "{r}"
    );
}

#[test]
fn mapping_mistakes_are_usage_errors() {
    let cases: [(&[&str], &str); 4] = [
        (&[], "--map: no selector for `row`"),
        (
            &["--map", "row=tr,time=td,price=td:nth-child(x)"],
            "--map: the selector for `price` is not valid CSS: `td:nth-child(x)`",
        ),
        (
            &["--map", "row=tr,time=td,price=td,colour=td"],
            "has `=` outside brackets",
        ),
        (
            &["--format", "csv", "--map", "row=tr"],
            "--map row=SELECTOR applies to the html format only, not csv",
        ),
    ];
    let page = page();
    for (extra, want) in cases {
        let mut args = vec!["validate", "--input", path(&page)];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{extra:?}: {}", stderr(&out));
    }
}

#[test]
fn a_page_over_the_limit_is_refused_before_reading() {
    let dir = TempDir::new("html-big");
    let file = dir.file("big.html", "");
    // A sparse file: 257 MiB long, no disk used.
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(257 << 20)
        .unwrap();
    let out = validate_html(&file, "row=tr,time=td,price=td");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("is 269484032 bytes: HTML pages are read whole, up to 268435456 bytes"),
        "{}",
        stderr(&out)
    );
}

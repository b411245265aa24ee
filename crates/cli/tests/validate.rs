//! `tradelens validate`: counts per reason, the first rejected rows, exit code 0.

mod common;

use common::{path, run, stderr, stdout, TempDir};

#[test]
fn counts_rejects_per_reason_and_shows_the_first() {
    let dir = TempDir::new("validate");
    let file = dir.file(
        "v.csv",
        "id,time,price,qty\n\
         1,2024-03-30T10:00:00Z,10,1\n\
         2,2024-03-30T10:01:00Z,abc,1\n\
         3,,10,1\n\
         1,2024-03-30T10:02:00Z,10,1\n\
         4,2024-03-30T10:03:00Z,10,-2\n\
         5,1999-01-01T00:00:00Z,10,1\n\
         6,2024-03-30T10:04:00Z,11,2\n",
    );
    let out = run(&["validate", "--input", path(&file), "--map", "id=id,qty=qty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "format: csv",
        "accepted: 2",
        "rejected: 5",
        "invalid_price              1",
        "invalid_quantity           1",
        "missing_time               1",
        "bad_time                   1",
        "duplicate                  1",
        "line 3: invalid_price: line 3: field `price` (price) has value `abc`",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn an_unreadable_file_exits_with_1() {
    let out = run(&["validate", "--input", "/nonexistent/v.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read /nonexistent/v.csv"));
}

#[test]
fn shop_exports_are_detected_by_their_headers() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures");
    for (file, format) in [
        ("shopify_orders.csv", "format: shopify"),
        ("stripe_payments.csv", "format: stripe"),
    ] {
        let out = run(&["validate", "--input", path(&fixtures.join(file))]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(format), "{file}: {}", stdout(&out));
    }
}

//! `tradelens forecast`: N rows after the data, each with lower <= forecast <= upper.

mod common;

use common::{parse_csv, path, run, stderr, stdout, TempDir};

/// Four days of hourly trades from 2024-03-25T00:00Z with a daily cycle in the count.
fn fixture(dir: &TempDir) -> std::path::PathBuf {
    let start = 1_711_324_800_000_i64;
    let mut text = String::from("time,price,qty\n");
    for h in 0..96_i64 {
        let n = 5 + (4.0 * (std::f64::consts::TAU * h as f64 / 24.0).sin()).round() as i64;
        for k in 0..n {
            let t = start + h * 3_600_000 + k * 60_000;
            text += &format!("{t},{},1\n", 100 + (h + k) % 7);
        }
    }
    dir.file("hourly.csv", &text)
}

#[test]
fn both_methods_print_horizon_rows_with_ordered_intervals() {
    let dir = TempDir::new("forecast");
    let file = fixture(&dir);
    for method in ["seasonal", "holt-winters"] {
        let out = run(&[
            "forecast",
            "--input",
            path(&file),
            "--bucket",
            "1h",
            "--metric",
            "count",
            "--horizon",
            "6",
            "--method",
            method,
        ]);
        assert!(out.status.success(), "{method}: {}", stderr(&out));
        let (header, rows) = parse_csv(&stdout(&out));
        assert_eq!(header, ["bucket_start", "forecast", "lower", "upper"]);
        assert_eq!(rows.len(), 6);
        // The data end with the bucket at 2024-03-28T23:00Z.
        assert_eq!(rows[0][0], "2024-03-29T00:00:00+00:00");
        assert_eq!(rows[5][0], "2024-03-29T05:00:00+00:00");
        for r in &rows {
            let v: Vec<f64> = r[1..].iter().map(|s| s.parse().unwrap()).collect();
            assert!(v[1] <= v[0] && v[0] <= v[2], "{method}: {r:?}");
        }
    }
}

#[test]
fn too_little_history_is_a_data_error() {
    let dir = TempDir::new("forecast-short");
    let file = dir.file("s.csv", "time,price\n1711324800000,1\n1711328400000,2\n");
    let out = run(&[
        "forecast",
        "--input",
        path(&file),
        "--bucket",
        "1h",
        "--metric",
        "vwap",
        "--horizon",
        "3",
        "--method",
        "holt-winters",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("history"), "{}", stderr(&out));
}

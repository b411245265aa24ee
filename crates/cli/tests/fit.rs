//! `tradelens fit` against answers derived by hand.

mod common;

use common::{path, run, stderr, stdout, TempDir};
use serde_json::Value;

fn coef(v: &Value, k: usize) -> (String, f64, f64) {
    let c = &v["coefficients"][k];
    (
        c["name"].as_str().unwrap().to_string(),
        c["estimate"].as_f64().unwrap(),
        c["std_error"].as_f64().unwrap(),
    )
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn simple_regression_matches_the_hand_computation() {
    // x = 1..5, y = 2,4,5,4,5. x̄ = 3, ȳ = 4, Sxx = 10, Sxy = (-2)(-2) + (-1)(0) + 0 + (1)(0)
    // + (2)(1) = 6: slope 0.6, intercept 4 - 0.6·3 = 2.2. Fitted 2.8,3.4,4.0,4.6,5.2, residuals
    // -0.8,0.6,1,-0.6,-0.2, RSS = 2.4, σ² = 2.4/3 = 0.8, σ = √0.8.
    // se(slope) = √(σ²/Sxx) = √0.08; se(intercept) = √(σ²(1/n + x̄²/Sxx)) = √(0.8·1.1) = √0.88.
    // TSS = 4+0+1+0+1 = 6, R² = 1 - 2.4/6 = 0.6, adjusted 1 - 0.4·4/3 = 7/15.
    let dir = TempDir::new("fit-simple");
    let file = dir.file("d.csv", "x,y\n1,2\n2,4\n3,5\n4,4\n5,5\n");
    let out = run(&["fit", "--input", path(&file), "--y", "y", "--x", "x"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["n"], 5);
    let (n0, b0, s0) = coef(&v, 0);
    let (n1, b1, s1) = coef(&v, 1);
    assert_eq!((n0.as_str(), n1.as_str()), ("(Intercept)", "x"));
    assert!(near(b0, 2.2) && near(b1, 0.6), "{b0} {b1}");
    assert!(
        near(s0, 0.88f64.sqrt()) && near(s1, 0.08f64.sqrt()),
        "{s0} {s1}"
    );
    assert!(near(v["r_squared"].as_f64().unwrap(), 0.6));
    assert!(near(v["adj_r_squared"].as_f64().unwrap(), 7.0 / 15.0));
    assert!(near(
        v["residual_std_error"].as_f64().unwrap(),
        0.8f64.sqrt()
    ));
}

#[test]
fn two_regressors_and_no_intercept() {
    // y = 1 + 2a - 3b exactly: the fit returns those, with zero residuals.
    let dir = TempDir::new("fit-two");
    let rows = [
        (0.0, 1.0),
        (1.0, 0.0),
        (2.0, 5.0),
        (3.0, 1.0),
        (4.0, 2.0),
        (5.0, 7.0),
    ];
    let mut text = String::from("a,b,y\n");
    for (a, b) in rows {
        text += &format!("{a},{b},{}\n", 1.0 + 2.0 * a - 3.0 * b);
    }
    let file = dir.file("d.csv", &text);
    let out = run(&["fit", "--input", path(&file), "--y", "y", "--x", "a,b"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<String> = (0..3).map(|k| coef(&v, k).0).collect();
    assert_eq!(names, ["(Intercept)", "a", "b"]);
    for (k, want) in [1.0, 2.0, -3.0].into_iter().enumerate() {
        assert!(near(coef(&v, k).1, want));
    }
    // Through the origin, y = 2x on x = 1, 2, 3 with y = 2, 4, 7: b = Σxy/Σx² = 31/14.
    let file = dir.file("o.csv", "x,y\n1,2\n2,4\n3,7\n");
    let out = run(&[
        "fit",
        "--input",
        path(&file),
        "--y",
        "y",
        "--x",
        "x",
        "--no-intercept",
    ]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["coefficients"].as_array().unwrap().len(), 1);
    assert!(near(coef(&v, 0).1, 31.0 / 14.0));
}

#[test]
fn polynomial_is_reported_in_powers_of_x() {
    // y = x² - 2x + 3 + e with e = +0.1, -0.1 alternating on x = 0..7. Against the exact
    // quadratic the fit recovers the coefficients to within the noise; the expanded standard
    // errors equal those of a fit on the raw columns x, x² (same model, reparametrized).
    let dir = TempDir::new("fit-poly");
    let mut text = String::from("x,x2,y\n");
    for i in 0..8 {
        let x = f64::from(i);
        let e = if i % 2 == 0 { 0.1 } else { -0.1 };
        text += &format!("{x},{},{}\n", x * x, x * x - 2.0 * x + 3.0 + e);
    }
    let file = dir.file("d.csv", &text);
    let poly = run(&[
        "fit",
        "--input",
        path(&file),
        "--y",
        "y",
        "--x",
        "x",
        "--degree",
        "2",
    ]);
    assert!(poly.status.success(), "{}", stderr(&poly));
    let raw = run(&["fit", "--input", path(&file), "--y", "y", "--x", "x,x2"]);
    let p: Value = serde_json::from_str(&stdout(&poly)).unwrap();
    let r: Value = serde_json::from_str(&stdout(&raw)).unwrap();
    let names: Vec<String> = (0..3).map(|k| coef(&p, k).0).collect();
    assert_eq!(names, ["(Intercept)", "x", "x^2"]);
    for k in 0..3 {
        let (_, pe, ps) = coef(&p, k);
        let (_, re, rs) = coef(&r, k);
        assert!(near(pe, re) && near(ps, rs), "{k}: {pe} {re} {ps} {rs}");
    }
    for (k, want) in [3.0, -2.0, 1.0].into_iter().enumerate() {
        assert!((coef(&p, k).1 - want).abs() < 0.2);
    }
}

#[test]
fn rank_deficient_design_is_refused_naming_the_column() {
    let dir = TempDir::new("fit-rank");
    let file = dir.file("d.csv", "a,b,y\n1,2,1\n2,4,3\n3,6,2\n4,8,5\n");
    let out = run(&["fit", "--input", path(&file), "--y", "y", "--x", "a,b"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("\"b\"") && err.contains("linear combinations"),
        "{err}"
    );
    let bad = dir.file("bad.csv", "x,y\n1,2\n2,oops\n");
    let out = run(&["fit", "--input", path(&bad), "--y", "y", "--x", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("line 3, column `y`: `oops`"),
        "{}",
        stderr(&out)
    );
    let out = run(&["fit", "--input", path(&bad), "--y", "y"]);
    assert_eq!(out.status.code(), Some(2));
}

//! The fit table: coefficients with standard errors, t and p, then the fit's summary.

use leptos::prelude::*;
use tradelens_core::format::grouped;

use super::fit::FitView;

fn num(x: f64) -> String {
    if x.abs() >= 1e6 {
        grouped(x, 0)
    } else {
        format!("{x:.4}")
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), num)
}

fn p_text(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 1e-4 => "< 0.0001".to_owned(),
        Some(p) => format!("{p:.4}"),
        None => "–".to_owned(),
    }
}

/// The table of one fit. Cells carry the raw number in `data-value` for tests and tools.
/// Static: the page mounts a new table for each new fit (at most once a second), which costs
/// less code than a reactive cell per number.
#[component]
pub fn FitTable(
    /// The fit to show.
    fit: FitView,
) -> impl IntoView {
    let rows = fit
        .coefficients()
        .iter()
        .map(|c| {
            view! {
                <tr data-testid="coef-row" data-name=c.name.clone()>
                    <th scope="row">{c.name.clone()}</th>
                    <td data-value=c.estimate.to_string()>{num(c.estimate)}</td>
                    <td data-value=c.std_error.to_string()>{num(c.std_error)}</td>
                    <td>{opt(c.t)}</td>
                    <td>{p_text(c.p_value)}</td>
                </tr>
            }
        })
        .collect_view();
    let basis = fit.time_basis.map(|(_, half)| {
            format!(
                "Time enters as u = (t − centre) / half-range, half-range {} hours, so u runs from −1 to 1.",
                grouped(half / 3_600_000.0, 2)
            )
        });
    let f = fit.ols;
    view! {
        <div class="fit-table">
            <table data-testid="fit-table">
                <caption>"Least squares fit, 95% intervals"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Term"</th>
                        <th scope="col">"Estimate"</th>
                        <th scope="col">"Std. error"</th>
                        <th scope="col">"t"</th>
                        <th scope="col">"p"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"R²"</th>
                        <td data-testid="fit-r2">{opt(f.r_squared)}</td>
                        <th scope="row">"Adjusted R²"</th>
                        <td colspan="2">{opt(f.adj_r_squared)}</td>
                    </tr>
                    <tr>
                        <th scope="row">"Residual std. error"</th>
                        <td>{num(f.residual_std_error)}</td>
                        <th scope="row">"F (p)"</th>
                        <td colspan="2">
                            {format!("{} ({})", opt(f.f_statistic), p_text(f.f_p_value))}
                        </td>
                    </tr>
                    <tr>
                        <th scope="row">"n"</th>
                        <td data-testid="fit-n" data-value=f.n.to_string()>{f.n}</td>
                        <th scope="row">"Residual df"</th>
                        <td colspan="2">{f.df_residual}</td>
                    </tr>
                </tfoot>
            </table>
            {basis.map(|b| view! { <p class="note">{b}</p> })}
        </div>
    }
}

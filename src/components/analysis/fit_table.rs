//! The fit table: coefficients with standard errors, t and p, then the fit's summary.

use leptos::prelude::*;
use tradelens_core::format::grouped;

use super::fit::FitView;

fn num(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        format!("{x:.4e}")
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
#[component]
pub fn FitTable(
    /// The fit to show.
    #[prop(into)]
    fit: Signal<FitView>,
) -> impl IntoView {
    let rows = move || {
        fit.get()
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
            .collect_view()
    };
    let basis = move || {
        fit.get().time_basis.map(|(_, half)| {
            format!(
                "Time enters as u = (t − centre) / half-range, half-range {} hours, so u runs from −1 to 1.",
                grouped(half / 3_600_000.0, 2)
            )
        })
    };
    let n = move || fit.get().ols.n;
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
                        <td data-testid="fit-r2">{move || opt(fit.get().ols.r_squared)}</td>
                        <th scope="row">"Adjusted R²"</th>
                        <td colspan="2">{move || opt(fit.get().ols.adj_r_squared)}</td>
                    </tr>
                    <tr>
                        <th scope="row">"Residual std. error"</th>
                        <td>{move || num(fit.get().ols.residual_std_error)}</td>
                        <th scope="row">"F (p)"</th>
                        <td colspan="2">
                            {move || {
                                let f = fit.get().ols;
                                format!("{} ({})", opt(f.f_statistic), p_text(f.f_p_value))
                            }}
                        </td>
                    </tr>
                    <tr>
                        <th scope="row">"n"</th>
                        <td data-testid="fit-n" data-value=move || n().to_string()>{n}</td>
                        <th scope="row">"Residual df"</th>
                        <td colspan="2">{move || fit.get().ols.df_residual}</td>
                    </tr>
                </tfoot>
            </table>
            {move || basis().map(|b| view! { <p class="note">{b}</p> })}
        </div>
    }
}

//! Price elasticity per product, as a table.

use leptos::prelude::*;
use tradelens_core::engine::measure::ProductElasticity;

fn num(x: f64) -> String {
    format!("{x:.2}")
}

/// One row per product: elasticity, standard error, 95% interval and buckets used, or why
/// there is no estimate. Cells carry raw numbers in `data-value`.
#[component]
pub fn ElasticityTable(
    /// The estimates, in display order.
    #[prop(into)]
    rows: Signal<Vec<ProductElasticity>>,
) -> impl IntoView {
    let body = move || {
        rows.get()
            .into_iter()
            .map(|r| {
                let name = r.product.to_string();
                match r.fit {
                    Ok(e) => view! {
                        <tr data-testid="elasticity-row" data-product=name.clone()>
                            <th scope="row">{name.clone()}</th>
                            <td data-value=e.elasticity.to_string()>{num(e.elasticity)}</td>
                            <td data-value=e.std_error.to_string()>{num(e.std_error)}</td>
                            <td
                                data-lower=e.interval.lower.to_string()
                                data-upper=e.interval.upper.to_string()
                            >
                                {format!("{} to {}", num(e.interval.lower), num(e.interval.upper))}
                            </td>
                            <td data-value=e.n.to_string()>{e.n}</td>
                        </tr>
                    }
                    .into_any(),
                    Err(err) => view! {
                        <tr data-testid="elasticity-row" data-product=name.clone()>
                            <th scope="row">{name.clone()}</th>
                            <td colspan="4">{format!("no estimate: {err}")}</td>
                        </tr>
                    }
                    .into_any(),
                }
            })
            .collect_view()
    };
    view! {
        <table data-testid="elasticity-table">
            <caption>"Price elasticity of demand per product"</caption>
            <thead>
                <tr>
                    <th scope="col">"Product"</th>
                    <th scope="col">"Elasticity"</th>
                    <th scope="col">"Std. error"</th>
                    <th scope="col">"95% interval"</th>
                    <th scope="col">"Buckets (n)"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}

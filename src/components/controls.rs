//! The dashboard's controls: demo mode, bucket size, group-by (a field, then optionally a
//! second within it), pause.

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{BucketSize, EngineSpec, GroupBy};
use tradelens_core::model::Field;

use crate::live::Live;
use crate::now_ms;

fn field_label(field: Field, mode: DemoMode) -> &'static str {
    match (field, mode) {
        (Field::Symbol, DemoMode::Orders) => "Product",
        (Field::Symbol, DemoMode::Exchange) => "Symbol",
        (Field::Dim(d), _) => match d {
            tradelens_core::model::Dim::Category => "Category",
            tradelens_core::model::Dim::Region => "Region",
            tradelens_core::model::Dim::Channel => "Channel",
            tradelens_core::model::Dim::Customer => "Customer",
        },
    }
}

/// The plural name of a group-by field in the current mode, for titles ("products").
pub fn group_plural(field: Field, mode: DemoMode) -> &'static str {
    match (field, mode) {
        (Field::Symbol, DemoMode::Orders) => "products",
        (Field::Symbol, DemoMode::Exchange) => "symbols",
        (Field::Dim(d), _) => match d {
            tradelens_core::model::Dim::Category => "categories",
            tradelens_core::model::Dim::Region => "regions",
            tradelens_core::model::Dim::Channel => "channels",
            tradelens_core::model::Dim::Customer => "customers",
        },
    }
}

/// The plural names of the group-by fields, outermost first: "products", "products × regions".
/// Empty when not grouping.
pub fn groups_plural(group_by: GroupBy, mode: DemoMode) -> String {
    group_by
        .fields()
        .map(|f| group_plural(f, mode))
        .collect::<Vec<_>>()
        .join(" × ")
}

/// Mode switch, bucket size, group-by (first field, then an optional second) and pause.
#[component]
pub fn Controls() -> impl IntoView {
    let live = expect_context::<Live>();
    let mode_button = move |mode: DemoMode, text: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                data-testid=testid
                aria-pressed=move || (live.mode.get() == mode).to_string()
                on:click=move |_| live.set_mode(mode, now_ms())
            >
                {text}
            </button>
        }
    };
    let on_bucket = move |ev| {
        if let Some(bucket) = BucketSize::from_name(&event_target_value(&ev)) {
            live.set_spec(EngineSpec {
                bucket,
                ..live.spec.get_untracked()
            });
        }
    };
    let set_group_by = move |group_by: GroupBy| {
        live.set_spec(EngineSpec {
            group_by,
            ..live.spec.get_untracked()
        });
    };
    // Grouping by nothing drops the second field too; picking the second field as the first
    // leaves one level (`GroupBy::new` folds a repeated field).
    let on_group = move |ev| {
        let first = Field::from_name(&event_target_value(&ev));
        let then = live.spec.get_untracked().group_by.then();
        set_group_by(first.map_or(GroupBy::NONE, |f| GroupBy::new(Some(f), then)));
    };
    let on_then = move |ev| {
        let first = live.spec.get_untracked().group_by.first();
        set_group_by(GroupBy::new(
            first,
            Field::from_name(&event_target_value(&ev)),
        ));
    };
    let first = move || live.spec.get().group_by.first();
    view! {
        <div class="controls">
            <div class="segmented" role="group" aria-label="Demo data">
                {mode_button(DemoMode::Orders, "Shop orders", "mode-orders")}
                {mode_button(DemoMode::Exchange, "Exchange trades", "mode-exchange")}
            </div>
            <label>
                "Bucket "
                <select
                    data-testid="bucket-select"
                    on:change=on_bucket
                    prop:value=move || live.spec.get().bucket.name()
                >
                    {BucketSize::ALL
                        .iter()
                        .map(|b| view! { <option value=b.name()>{b.name()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Group by "
                <select
                    data-testid="group-select"
                    on:change=on_group
                    prop:value=move || first().map_or("", |f| f.name())
                >
                    <option value="">"Nothing"</option>
                    {move || {
                        let mode = live.mode.get();
                        Field::ALL
                            .iter()
                            .map(|&f| view! { <option value=f.name()>{field_label(f, mode)}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                "then by "
                // Disabled until a first field is picked; the first field is not offered again.
                <select
                    data-testid="group-then-select"
                    on:change=on_then
                    disabled=move || first().is_none()
                    prop:value=move || live.spec.get().group_by.then().map_or("", |f| f.name())
                >
                    <option value="">"Nothing"</option>
                    {move || {
                        let mode = live.mode.get();
                        Field::ALL
                            .iter()
                            .map(|&f| {
                                view! {
                                    <option value=f.name() disabled=move || first() == Some(f)>
                                        {field_label(f, mode)}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <button
                type="button"
                data-testid="pause"
                aria-pressed=move || (!live.running.get()).to_string()
                on:click=move |_| live.running.update(|r| *r = !*r)
            >
                {move || if live.running.get() { "Pause" } else { "Resume" }}
            </button>
        </div>
    }
}

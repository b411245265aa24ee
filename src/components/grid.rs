//! The dashboard's panels as a grid the visitor arranges: add a panel of any kind, remove it,
//! move it earlier or later, make it full or half width and small, medium or large, and set
//! what it shows. Every control is a button, select or input with a name, so the whole
//! arrangement works from the keyboard.

use leptos::context::Provider;
use leptos::prelude::*;
use tradelens_core::dashboard::{
    Height, Layout, PanelKind, PanelView, Scope, TradeValue, MAX_SYMBOL, MAX_TOP_N,
};
use tradelens_core::engine::{BucketSize, EngineSpec, GroupBy, Metric, SketchSpec};
use tradelens_core::model::Field;

use super::chart_metric::{chart_metrics, metric_select, DISTINCT_CUSTOMERS};
use super::{
    CandlesPanel, ForecastPanel, HeatmapPanel, HistValue, HistogramPanel, KpiRow, RevenuePanel,
    ScatterPanel, TablePanel, TopPanel,
};
use crate::live::Live;
use crate::settings::Settings;

/// Keeps the engine's sketches to exactly those the panels' metrics need (sketches cost time
/// per trade), and replaces a metric the demo mode does not offer (distinct customers in
/// exchange mode) by notional.
fn keep_engine_in_step(live: Live, layout: RwSignal<Layout>) {
    Effect::new(move |_| {
        let mode = live.mode.get();
        let offered: Vec<Metric> = chart_metrics(mode).into_iter().map(|(m, _)| m).collect();
        let fix = |m: Metric| {
            if offered.contains(&m) {
                m
            } else {
                Metric::Notional
            }
        };
        let changes: Vec<(u32, PanelView)> = layout.with(|l| {
            l.panels()
                .iter()
                .filter_map(|p| {
                    let view = match p.view {
                        PanelView::Line { metric } => PanelView::Line {
                            metric: fix(metric),
                        },
                        PanelView::Heatmap { metric } => PanelView::Heatmap {
                            metric: fix(metric),
                        },
                        PanelView::Scatter { x, y } => PanelView::Scatter {
                            x: fix(x),
                            y: fix(y),
                        },
                        other => other,
                    };
                    (view != p.view).then_some((p.id, view))
                })
                .collect()
        });
        if !changes.is_empty() {
            layout.update(|l| {
                for (id, view) in changes {
                    l.set_view(id, view);
                }
            });
            return;
        }
        let sketches = SketchSpec::for_metrics(&layout.with(Layout::metrics), DISTINCT_CUSTOMERS);
        let spec = live.spec.get();
        if spec.sketches != sketches {
            live.set_spec(EngineSpec { sketches, ..spec });
        }
    });
}

/// The panels, in order, and the "Add panel" control.
#[component]
pub fn PanelGrid() -> impl IntoView {
    let live = expect_context::<Live>();
    let settings = expect_context::<Settings>();
    let layout = settings.layout;
    keep_engine_in_step(live, layout);
    let kind = RwSignal::new(PanelKind::Line);
    let error = RwSignal::new(None::<String>);
    let add = move |_| match layout.try_update(|l| l.add(kind.get_untracked().default_view())) {
        Some(Err(e)) => error.set(Some(e.to_string())),
        _ => error.set(None),
    };
    view! {
        <div class="panel-grid" data-testid="panel-grid">
            <For
                each=move || layout.with(|l| l.panels().iter().map(|p| p.id).collect::<Vec<_>>())
                key=|id| *id
                children=move |id| view! { <PanelCell id=id /> }
            />
        </div>
        <div class="add-panel">
            <label>
                "Panel kind "
                <select
                    data-testid="panel-kind"
                    on:change=move |ev| {
                        if let Some(k) = PanelKind::from_name(&event_target_value(&ev)) {
                            kind.set(k);
                        }
                    }
                    prop:value=move || kind.get().name()
                >
                    {PanelKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.name()>{k.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="button" data-testid="panel-add" on:click=add>
                "Add panel"
            </button>
            <span class="error" role="alert" data-testid="panel-error">
                {move || error.get()}
            </span>
        </div>
    }
}

/// One panel: its toolbar and its content.
#[component]
fn PanelCell(id: u32) -> impl IntoView {
    let settings = expect_context::<Settings>();
    let layout = settings.layout;
    let live = expect_context::<Live>();
    let panel = Memo::new(move |_| layout.with(|l| l.get(id).cloned()));
    let scope = Memo::new(move |_| panel.get().map(|p| p.scope).unwrap_or_default());
    let scoped = Memo::new(move |_| !scope.get().is_dashboard());
    let position = Memo::new(move |_| {
        layout.with(|l| {
            let at = l.panels().iter().position(|p| p.id == id).unwrap_or(0);
            (at + 1, l.panels().len())
        })
    });
    let kind = Memo::new(move |_| panel.get().map(|p| p.view.kind()));
    let name = move || {
        let (at, of) = position.get();
        let kind = kind.get().map_or("", PanelKind::label);
        format!("Panel {at} of {of}: {kind}")
    };
    let up = NodeRef::<leptos::html::Button>::new();
    let down = NodeRef::<leptos::html::Button>::new();
    // Moving a panel moves its element, which loses the focus: the button pressed gets it
    // back, so a visitor can press it again, or the other one once the panel reached an end
    // (a disabled button cannot hold the focus).
    let move_by = move |delta: isize,
                        button: NodeRef<leptos::html::Button>,
                        other: NodeRef<leptos::html::Button>| {
        layout.update(|l| {
            l.move_by(id, delta);
        });
        request_animation_frame(move || {
            let usable = |b: &web_sys::HtmlButtonElement| !b.disabled();
            if let Some(b) = button
                .get_untracked()
                .filter(usable)
                .or_else(|| other.get_untracked())
            {
                let _ = b.focus();
            }
        });
    };
    let class = move || {
        panel.get().map_or(String::new(), |p| {
            format!(
                "cell {} h-{}",
                if p.wide { "wide" } else { "half" },
                p.height.name()
            )
        })
    };
    view! {
        <section
            class=class
            data-testid="panel"
            data-panel-id=id
            data-kind=move || kind.get().map_or("", PanelKind::name)
            aria-label=name
        >
            <div class="cell-bar" role="toolbar" aria-label=move || format!("{} controls", name())>
                <PanelSettings id=id />
                <ScopeSettings id=id />
                <button
                    type="button"
                    data-testid="panel-up"
                    node_ref=up
                    aria-label="Move panel earlier"
                    disabled=move || position.get().0 == 1
                    on:click=move |_| move_by(-1, up, down)
                >
                    "↑"
                </button>
                <button
                    type="button"
                    data-testid="panel-down"
                    node_ref=down
                    aria-label="Move panel later"
                    disabled=move || { let (at, of) = position.get(); at == of }
                    on:click=move |_| move_by(1, down, up)
                >
                    "↓"
                </button>
                <button
                    type="button"
                    data-testid="panel-wide"
                    aria-pressed=move || panel.get().is_some_and(|p| p.wide).to_string()
                    on:click=move |_| {
                        layout.update(|l| {
                            let wide = l.get(id).is_some_and(|p| p.wide);
                            l.set_wide(id, !wide);
                        })
                    }
                >
                    "Full width"
                </button>
                <label>
                    "Height "
                    <select
                        data-testid="panel-height"
                        prop:value=move || panel.get().map_or("m", |p| p.height.name())
                        on:change=move |ev| {
                            if let Some(h) = Height::from_name(&event_target_value(&ev)) {
                                layout.update(|l| {
                                    l.set_height(id, h);
                                });
                            }
                        }
                    >
                        {Height::ALL
                            .into_iter()
                            .map(|h| view! { <option value=h.name()>{h.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button
                    type="button"
                    class="danger"
                    data-testid="panel-remove"
                    aria-label="Remove panel"
                    on:click=move |_| {
                        layout.update(|l| {
                            l.remove(id);
                        })
                    }
                >
                    "Remove"
                </button>
            </div>
            // A panel with its own bucket, group-by or symbol reads an engine of its own that
            // follows the dashboard's; the others read the dashboard's.
            {move || {
                let k = kind.get()?;
                Some(if scoped.get() {
                    let own = live.follow(scope.into());
                    view! { <Provider value=own>{content(id, k, layout)}</Provider> }.into_any()
                } else {
                    content(id, k, layout)
                })
            }}
        </section>
    }
}

/// The view of `layout`'s panel `id`, which reads its settings as they change.
fn view_of(layout: RwSignal<Layout>, id: u32) -> Memo<Option<PanelView>> {
    Memo::new(move |_| layout.with(|l| l.get(id).map(|p| p.view)))
}

/// What a panel of `kind` draws.
fn content(id: u32, kind: PanelKind, layout: RwSignal<Layout>) -> AnyView {
    let view = view_of(layout, id);
    match kind {
        PanelKind::Kpi => view! { <KpiRow /> }.into_any(),
        PanelKind::Line => {
            let metric = Signal::derive(move || match view.get() {
                Some(PanelView::Line { metric }) => metric,
                _ => Metric::Notional,
            });
            let on_metric = Callback::new(move |metric| {
                layout.update(|l| {
                    l.set_view(id, PanelView::Line { metric });
                })
            });
            view! { <RevenuePanel metric=metric on_metric=on_metric /> }.into_any()
        }
        PanelKind::Bars => {
            let top_n = Signal::derive(move || match view.get() {
                Some(PanelView::Bars { top_n }) => top_n,
                _ => 8,
            });
            view! { <TopPanel top_n=top_n /> }.into_any()
        }
        PanelKind::Forecast => view! { <ForecastPanel /> }.into_any(),
        PanelKind::Candles => {
            // A panel of one symbol follows only its trades; the candles then draw their
            // total, or that symbol's group when the engine groups by symbol.
            let symbol = Signal::derive(move || {
                layout.with(|l| l.get(id).and_then(|p| p.scope.symbol.clone()))
            });
            view! { <CandlesPanel symbol=symbol /> }.into_any()
        }
        PanelKind::Histogram => {
            let value = Signal::derive(move || match view.get() {
                Some(PanelView::Histogram {
                    of: TradeValue::Size,
                }) => HistValue::Size,
                _ => HistValue::Price,
            });
            view! { <HistogramPanel value=value /> }.into_any()
        }
        PanelKind::Scatter => {
            let axis = move |pick: fn(Metric, Metric) -> Metric, fallback: Metric| {
                Signal::derive(move || match view.get() {
                    Some(PanelView::Scatter { x, y }) => pick(x, y),
                    _ => fallback,
                })
            };
            let x = axis(|x, _| x, Metric::Count);
            let y = axis(|_, y| y, Metric::Vwap);
            view! { <ScatterPanel x=x y=y /> }.into_any()
        }
        PanelKind::Heatmap => {
            let metric = Signal::derive(move || match view.get() {
                Some(PanelView::Heatmap { metric }) => metric,
                _ => Metric::Notional,
            });
            view! { <HeatmapPanel metric=metric /> }.into_any()
        }
        PanelKind::Table => view! { <TablePanel /> }.into_any(),
    }
}

/// The settings of a panel's kind that its own content does not offer: how many bars, which
/// trade value a histogram counts, the axes of a scatter, a heatmap's metric.
#[component]
fn PanelSettings(id: u32) -> impl IntoView {
    let layout = expect_context::<Settings>().layout;
    let view = view_of(layout, id);
    let set = move |v: PanelView| {
        layout.update(|l| {
            l.set_view(id, v);
        })
    };
    move || match view.get() {
        Some(PanelView::Bars { top_n }) => view! {
            <label>
                "Bars "
                <input
                    type="number"
                    data-testid="panel-top-n"
                    min="1"
                    max=MAX_TOP_N.to_string()
                    prop:value=top_n.to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse::<u8>() {
                            set(PanelView::Bars { top_n: n.clamp(1, MAX_TOP_N) });
                        }
                    }
                />
            </label>
        }
        .into_any(),
        Some(PanelView::Histogram { of }) => view! {
            <label>
                "Of "
                <select
                    data-testid="panel-of"
                    prop:value=of.name()
                    on:change=move |ev| {
                        if let Some(of) = TradeValue::from_name(&event_target_value(&ev)) {
                            set(PanelView::Histogram { of });
                        }
                    }
                >
                    <option value="price">"Trade price"</option>
                    <option value="size">"Trade size"</option>
                </select>
            </label>
        }
        .into_any(),
        Some(PanelView::Scatter { x, y }) => {
            let (xs, ys) = (Signal::stored(x), Signal::stored(y));
            view! {
                {metric_select("X ", "", "panel-x", xs, Callback::new(move |x| set(PanelView::Scatter { x, y })))}
                {metric_select("Y ", "", "panel-y", ys, Callback::new(move |y| set(PanelView::Scatter { x, y })))}
            }
            .into_any()
        }
        Some(PanelView::Heatmap { metric }) => metric_select(
            "Metric ",
            "",
            "panel-metric",
            Signal::stored(metric),
            Callback::new(move |metric| set(PanelView::Heatmap { metric })),
        )
        .into_any(),
        _ => ().into_any(),
    }
}

/// What a panel aggregates where it differs from the dashboard: its own bucket size,
/// group-by and symbol.
#[component]
fn ScopeSettings(id: u32) -> impl IntoView {
    let layout = expect_context::<Settings>().layout;
    let scope =
        Memo::new(move |_| layout.with(|l| l.get(id).map(|p| p.scope.clone()).unwrap_or_default()));
    let set = move |f: &dyn Fn(&mut Scope)| {
        let mut s = scope.get_untracked();
        f(&mut s);
        layout.update(|l| {
            l.set_scope(id, s);
        });
    };
    let (symbol_error, set_symbol_error) = signal(None::<String>);
    let group_name = |g: GroupBy| g.first().map_or("none".to_owned(), |f| f.name().to_owned());
    view! {
        <details class="panel-scope">
            <summary data-testid="panel-scope">
                {move || if scope.get().is_dashboard() { "Data: dashboard's" } else { "Data: own" }}
            </summary>
            <label>
                "Bucket "
                <select
                    data-testid="panel-bucket"
                    prop:value=move || scope.get().bucket.map_or("dashboard", BucketSize::name)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(&|s| s.bucket = BucketSize::from_name(&v));
                    }
                >
                    <option value="dashboard">"Dashboard's"</option>
                    {BucketSize::ALL
                        .into_iter()
                        .map(|b| view! { <option value=b.name()>{b.to_string()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Group by "
                <select
                    data-testid="panel-group"
                    prop:value=move || scope.get().group_by.map_or("dashboard".to_owned(), group_name)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set(&|s| {
                            s.group_by = match v.as_str() {
                                "dashboard" => None,
                                "none" => Some(GroupBy::NONE),
                                name => Field::from_name(name).map(GroupBy::one),
                            }
                        });
                    }
                >
                    <option value="dashboard">"Dashboard's"</option>
                    <option value="none">"Nothing"</option>
                    {Field::ALL
                        .into_iter()
                        .map(|f| view! { <option value=f.name()>{f.name()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Only symbol "
                <input
                    type="text"
                    data-testid="panel-symbol"
                    placeholder="all"
                    maxlength=MAX_SYMBOL.to_string()
                    prop:value=move || scope.get().symbol.unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev).trim().to_owned();
                        if v.chars().any(char::is_control) || v.chars().count() > MAX_SYMBOL {
                            set_symbol_error.set(Some(format!("A symbol is at most {MAX_SYMBOL} characters, without control characters")));
                            return;
                        }
                        set_symbol_error.set(None);
                        set(&|s| s.symbol = (!v.is_empty()).then(|| v.clone()));
                    }
                />
            </label>
            <span class="error" role="alert">{move || symbol_error.get()}</span>
        </details>
    }
}

//! A dashboard in a link: round trips, and every kind of hostile or foreign link refused with
//! a message that says why.

use tradelens_core::alerts::{Condition, Rule, RuleSeries};
use tradelens_core::dashboard::{Height, Layout, PanelView, Scope, TradeValue, MAX_PANELS};
use tradelens_core::decode::generic::Mapping;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{BucketSize, GroupBy, Metric};
use tradelens_core::feed::preview::SampleFormat;
use tradelens_core::feed::venue::{Preset, Venue};
use tradelens_core::model::{Dim, Field};
use tradelens_core::settings::{Theme, ZoneChoice};
use tradelens_core::share::{
    decode_json, encode_json, hosts, ShareError, SharedDashboard, SharedFeed, MAX_DECODED_BYTES,
    MAX_FEEDS,
};

fn poll(url: &str) -> SharedFeed {
    SharedFeed::Poll {
        url: url.to_owned(),
        format: SampleFormat::Csv,
        mapping: Mapping::new("created_at", "amount"),
        rows: None,
        interval_ms: 5_000,
    }
}

fn full() -> SharedDashboard {
    let mut dash = full_without_scopes();
    dash.rules = vec![
        Rule {
            id: 3,
            name: "BTC spike <b>".into(),
            series: RuleSeries {
                metric: Metric::High,
                group: Some("BTCUSDT".into()),
            },
            condition: Condition::Above { value: 120_000.0 },
            for_ms: 0,
            cooldown_ms: 60_000,
        },
        Rule {
            id: 9,
            name: "quiet".into(),
            series: RuleSeries {
                metric: Metric::Count,
                group: None,
            },
            condition: Condition::NoData { secs: 30 },
            for_ms: 0,
            cooldown_ms: 0,
        },
    ];
    dash.layout.set_scope(
        2,
        Scope {
            bucket: Some(BucketSize::H1),
            group_by: Some(GroupBy::NONE),
            symbol: Some("BTC-USDT".into()),
        },
    );
    dash.layout.set_scope(
        3,
        Scope {
            group_by: Some(GroupBy::one(Field::Dim(Dim::Region))),
            ..Scope::default()
        },
    );
    dash
}

fn full_without_scopes() -> SharedDashboard {
    let mut mapping = Mapping::new("t", "p");
    mapping.dims[Dim::Region.index()] = Some("region".into());
    mapping.qty = Some("q".into());
    SharedDashboard {
        mode: DemoMode::Exchange,
        bucket: BucketSize::M1,
        group_by: GroupBy::two(Field::Symbol, Field::Dim(Dim::Region)),
        feeds: vec![
            SharedFeed::Venue(Preset::new(Venue::Binance, "BTC-USDT")),
            poll("https://shop.example/orders.csv?page=2"),
            SharedFeed::Sse {
                url: "http://127.0.0.1:9000/events".into(),
                event: "order".into(),
                mapping,
            },
        ],
        layout: Layout::from_panels([
            (PanelView::Kpi, true, Height::Small),
            (
                PanelView::Line {
                    metric: Metric::PriceP90,
                },
                false,
                Height::Large,
            ),
            (PanelView::Bars { top_n: 12 }, false, Height::Medium),
            (
                PanelView::Histogram {
                    of: TradeValue::Size,
                },
                false,
                Height::Medium,
            ),
            (
                PanelView::Scatter {
                    x: Metric::Volume,
                    y: Metric::Vwap,
                },
                true,
                Height::Medium,
            ),
            (
                PanelView::Heatmap {
                    metric: Metric::Count,
                },
                true,
                Height::Large,
            ),
            (PanelView::Candles, true, Height::Medium),
            (PanelView::Table, true, Height::Small),
            (PanelView::Forecast, true, Height::Medium),
        ])
        .unwrap(),
        theme: Theme::Dark,
        zone: ZoneChoice::Named("Asia/Tokyo"),
        rules: Vec::new(),
        range: Some((1_764_000_000_000, 1_764_003_600_000)),
    }
}

/// The JSON of `full()` with `edit` applied to its value.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(&encode_json(&full()).unwrap()).unwrap();
    edit(&mut v);
    serde_json::to_vec(&v).unwrap()
}

fn refused(edit: impl FnOnce(&mut serde_json::Value)) -> ShareError {
    decode_json(&edited(edit)).unwrap_err()
}

#[test]
fn a_dashboard_survives_the_round_trip() {
    let dash = full();
    let json = encode_json(&dash).unwrap();
    assert_eq!(decode_json(&json).unwrap(), dash);
    assert_eq!(
        decode_json(&encode_json(&SharedDashboard::default()).unwrap()).unwrap(),
        SharedDashboard::default()
    );
}

#[test]
fn hosts_lists_each_host_once_in_order() {
    let mut dash = full();
    dash.feeds.push(poll("https://SHOP.example/other"));
    assert_eq!(
        hosts(&dash),
        [
            "stream.binance.com:9443",
            "data-api.binance.vision",
            "shop.example",
            "127.0.0.1:9000"
        ]
    );
}

#[test]
fn a_newer_format_is_named_not_misread() {
    // A newer format may carry fields this page does not know: the message is about the
    // version, not the field.
    let e = refused(|v| {
        v["v"] = 3.into();
        v["alarms"] = serde_json::json!([]);
    });
    assert_eq!(e, ShareError::FutureVersion { version: 3 });
    assert_eq!(
        e.to_string(),
        "This link was made by a newer TradeLens (format 3); this page reads format 2"
    );
    assert_eq!(
        refused(|v| v["v"] = 0.into()),
        ShareError::BadVersion { version: 0 }
    );
}

#[test]
fn an_unknown_field_is_refused() {
    let e = refused(|v| v["script"] = "x".into());
    assert!(
        matches!(&e, ShareError::Shape(m) if m.contains("unknown field `script`")),
        "{e}"
    );
    let e = refused(|v| v["feeds"][0]["api_key"] = "x".into());
    assert!(
        matches!(&e, ShareError::Shape(m) if m.contains("api_key")),
        "{e}"
    );
    let e = refused(|v| v["feeds"][2]["mapping"]["password"] = "x".into());
    assert!(
        matches!(&e, ShareError::Shape(m) if m.contains("password")),
        "{e}"
    );
}

#[test]
fn unknown_names_are_refused() {
    for (key, bad) in [
        ("mode", "casino"),
        ("bucket", "7m"),
        ("theme", "neon"),
        ("zone", "Europe/Paris"),
    ] {
        let e = refused(|v| v[key] = bad.into());
        assert!(
            matches!(&e, ShareError::Unknown { value, .. } if value == bad),
            "{e}"
        );
    }
    let e = refused(|v| v["group_by"] = serde_json::json!(["symbol", "region", "channel"]));
    assert!(matches!(e, ShareError::OutOfRange { value: 3, .. }), "{e}");
    let e = refused(|v| v["feeds"][0]["venue"] = "mtgox".into());
    assert_eq!(
        e.to_string(),
        "This link's feed 1 venue is \"mtgox\", which this page does not know"
    );
}

#[test]
fn a_time_zone_the_page_does_not_offer_is_refused() {
    let e = refused(|v| v["zone"] = "Mars/Olympus_Mons".into());
    assert_eq!(
        e.to_string(),
        "This link's time zone is \"Mars/Olympus_Mons\", which this page does not know"
    );
}

#[test]
fn a_format_1_link_opens_with_its_metric_on_the_default_line_chart() {
    // What session 4's pages wrote: no panels, theme or zone; one chart metric.
    let json = br#"{"v":1,"mode":"exchange","bucket":"1m","group_by":["symbol"],"metric":"price_p90","feeds":[]}"#;
    let dash = decode_json(json).unwrap();
    assert_eq!(dash.mode, DemoMode::Exchange);
    assert_eq!(dash.line_metric(), Some(Metric::PriceP90));
    assert_eq!(dash.layout.panels().len(), Layout::default().panels().len());
    assert_eq!(
        (dash.theme, dash.zone),
        (Theme::System, ZoneChoice::Browser)
    );
    let e = decode_json(br#"{"v":1,"mode":"orders","bucket":"1m","metric":"<b>"}"#).unwrap_err();
    assert!(
        matches!(&e, ShareError::Unknown { value, .. } if value == "<b>"),
        "{e}"
    );
    // A format-1 link without its metric, or with panels, is not one any page wrote.
    let e = decode_json(br#"{"v":1,"mode":"orders","bucket":"1m","panels":[]}"#).unwrap_err();
    assert!(matches!(e, ShareError::Shape(_)), "{e}");
}

#[test]
fn panels_are_checked_field_by_field() {
    let e = refused(|v| v["panels"][1]["kind"] = "<img src=x onerror=alert(1)>".into());
    assert_eq!(
        e,
        ShareError::Unknown {
            field: "panel 2 kind".into(),
            value: "<img src=x onerror=alert(1)>".into()
        }
    );
    let e = refused(|v| v["panels"][1]["metric"] = "revenue!".into());
    assert!(
        matches!(&e, ShareError::Unknown { field, .. } if field == "panel 2 metric"),
        "{e}"
    );
    let e = refused(|v| v["panels"][2]["top_n"] = 0.into());
    assert!(matches!(e, ShareError::OutOfRange { value: 0, .. }), "{e}");
    let e = refused(|v| v["panels"][2]["top_n"] = 300.into());
    assert!(
        matches!(e, ShareError::Shape(_)),
        "a u8 overflow is a shape error: {e}"
    );
    let e = refused(|v| v["panels"][0]["metric"] = "count".into());
    assert_eq!(
        e.to_string(),
        "This link's dashboard is not valid: panel 1 has a metric, which a kpi panel does not have"
    );
    let e = refused(|v| v["panels"][0]["height"] = "xxl".into());
    assert!(matches!(e, ShareError::Unknown { .. }), "{e}");
    let e = refused(|v| v["panels"][0]["onclick"] = "x".into());
    assert!(
        matches!(&e, ShareError::Shape(m) if m.contains("onclick")),
        "{e}"
    );
    let e = refused(|v| v["metric"] = "count".into());
    assert!(matches!(e, ShareError::Shape(_)), "{e}");
    let e = refused(|v| {
        let one = v["panels"][0].clone();
        v["panels"] = serde_json::Value::Array(vec![one; MAX_PANELS + 1]);
    });
    assert_eq!(
        e,
        ShareError::TooManyPanels {
            count: MAX_PANELS + 1
        }
    );
}

#[test]
fn only_http_and_websocket_urls_are_accepted() {
    let e = refused(|v| v["feeds"][1]["url"] = "javascript:alert(1)//".into());
    assert_eq!(
        e.to_string(),
        "This link's feed 2 URL uses \"javascript\"; feeds may only use http or https"
    );
    let e = refused(|v| v["feeds"][0]["ws"] = "https://stream.binance.com".into());
    assert!(matches!(e, ShareError::Scheme { .. }), "{e}");
    for bad in [
        "data:text/html,x",
        "file:///etc/passwd",
        "http:/no-host",
        "https://a b/",
    ] {
        let e = refused(|v| v["feeds"][1]["url"] = bad.into());
        assert!(
            matches!(
                e,
                ShareError::Scheme { .. }
                    | ShareError::BadUrl { .. }
                    | ShareError::BadCharacter { .. }
            ),
            "{bad}: {e}"
        );
    }
}

#[test]
fn credentials_in_a_url_are_refused() {
    let e = refused(|v| v["feeds"][1]["url"] = "https://me:hunter2@shop.example/orders".into());
    assert_eq!(
        e,
        ShareError::Credentials {
            field: "feed 2 URL".into()
        }
    );
    assert!(e.to_string().contains("user:pass@"));
}

#[test]
fn a_query_parameter_named_like_a_secret_is_refused_by_name() {
    for name in [
        "api_key",
        "key",
        "token",
        "secret",
        "signature",
        "password",
        "X-Api-Key",
        "access_token",
        "api%5Fkey",
    ] {
        let e = refused(|v| {
            v["feeds"][1]["url"] = format!("https://shop.example/o?page=1&{name}=abc").into()
        });
        let decoded = name.replace("%5F", "_");
        assert_eq!(
            e,
            ShareError::SecretParameter {
                field: "feed 2 URL".into(),
                name: decoded.clone()
            },
            "{name}"
        );
        assert!(e.to_string().contains(&decoded), "{e}");
    }
    // Ordinary parameters pass.
    assert!(decode_json(&edited(
        |v| v["feeds"][1]["url"] = "https://shop.example/o?page=2&monkey=1".into()
    ))
    .is_ok());
}

#[test]
fn encoding_a_secret_fails_too() {
    let mut dash = full();
    dash.feeds.push(poll("https://shop.example/o?token=abc"));
    assert!(matches!(
        encode_json(&dash),
        Err(ShareError::SecretParameter { .. })
    ));
}

#[test]
fn too_many_feeds_are_refused() {
    let dash = SharedDashboard {
        feeds: (0..=MAX_FEEDS)
            .map(|i| poll(&format!("https://h{i}.example/")))
            .collect(),
        ..SharedDashboard::default()
    };
    let json = serde_json::to_vec(&{
        let mut v: serde_json::Value =
            serde_json::from_slice(&encode_json(&SharedDashboard::default()).unwrap()).unwrap();
        let one: serde_json::Value =
            serde_json::from_slice(&encode_json(&full()).unwrap()).unwrap();
        v["feeds"] = serde_json::Value::Array(vec![one["feeds"][1].clone(); MAX_FEEDS + 1]);
        v
    })
    .unwrap();
    assert_eq!(
        decode_json(&json).unwrap_err(),
        ShareError::TooManyFeeds { count: 17 }
    );
    assert!(matches!(
        encode_json(&dash),
        Err(ShareError::TooManyFeeds { count: 17 })
    ));
}

#[test]
fn over_long_and_control_texts_are_refused() {
    let e = refused(|v| v["feeds"][1]["mapping"]["time"] = "x".repeat(201).into());
    assert_eq!(
        e.to_string(),
        "This link's feed 2 mapping time is 201 characters long, at most 200 are allowed"
    );
    let e = refused(|v| v["feeds"][1]["mapping"]["default_symbol"] = "a\u{0}b".into());
    assert!(
        matches!(e, ShareError::BadCharacter { found: '\0', .. }),
        "{e}"
    );
    let e = refused(|v| v["feeds"][0]["symbol"] = "BTC USDT".into());
    assert!(
        matches!(e, ShareError::BadCharacter { found: ' ', .. }),
        "{e}"
    );
}

#[test]
fn numbers_out_of_range_are_refused() {
    let e = refused(|v| v["feeds"][1]["interval_ms"] = 1.into());
    assert!(matches!(e, ShareError::OutOfRange { value: 1, .. }), "{e}");
    let e = refused(|v| v["feeds"][0]["max_backoff_ms"] = 0.into());
    assert!(matches!(e, ShareError::OutOfRange { .. }), "{e}");
}

#[test]
fn oversized_json_is_refused_unread() {
    let mut json = encode_json(&full()).unwrap();
    json.resize(MAX_DECODED_BYTES + 1, b' ');
    assert_eq!(decode_json(&json).unwrap_err(), ShareError::TooLarge);
}

#[test]
fn damaged_json_is_refused() {
    let json = encode_json(&full()).unwrap();
    assert!(matches!(
        decode_json(&json[..json.len() / 2]),
        Err(ShareError::Shape(_))
    ));
    assert!(matches!(
        decode_json(b"\xff\xfe"),
        Err(ShareError::Shape(_))
    ));
}

#[test]
fn markup_in_a_text_is_kept_as_inert_text() {
    // It is data: the link keeps it byte for byte, and the page shows it as text.
    let markup = "<img src=x onerror=window.__pwned=1>";
    let mut dash = full();
    if let SharedFeed::Poll { mapping, .. } = &mut dash.feeds[1] {
        mapping.default_symbol = markup.into();
    }
    let json = encode_json(&dash).unwrap();
    let back = decode_json(&json).unwrap();
    assert!(
        matches!(&back.feeds[1], SharedFeed::Poll { mapping, .. } if mapping.default_symbol == markup)
    );
    assert_eq!(back, dash);
}

#[test]
fn a_panels_own_bucket_group_and_symbol_are_checked() {
    let e = refused(|v| v["panels"][1]["bucket"] = "7m".into());
    assert!(
        matches!(&e, ShareError::Unknown { field, .. } if field == "panel 2 bucket"),
        "{e}"
    );
    let e = refused(|v| v["panels"][2]["group_by"] = serde_json::json!(["region", "<i>"]));
    assert!(
        matches!(&e, ShareError::Unknown { value, .. } if value == "<i>"),
        "{e}"
    );
    let e = refused(|v| v["panels"][1]["symbol"] = "BTC\u{7}".into());
    assert!(
        matches!(e, ShareError::BadCharacter { found: '\u{7}', .. }),
        "{e}"
    );
    let e = refused(|v| v["panels"][1]["symbol"] = "x".repeat(65).into());
    assert!(matches!(e, ShareError::TextTooLong { len: 65, .. }), "{e}");
    // Markup in a symbol is data: accepted as text, shown as text.
    let json = edited(|v| v["panels"][1]["symbol"] = "<b>BTC</b>".into());
    let dash = decode_json(&json).unwrap();
    assert_eq!(
        dash.layout.panels()[1].scope.symbol.as_deref(),
        Some("<b>BTC</b>")
    );
}

#[test]
fn alert_rules_are_checked_like_rules_made_by_hand() {
    let e = refused(|v| v["rules"][0]["condition"]["value"] = serde_json::json!(1e300));
    assert!(matches!(e, ShareError::BadRule { at: 1, .. }), "{e}");
    let e = refused(|v| v["rules"][1]["id"] = 3.into());
    assert_eq!(
        e.to_string(),
        "This link's alert rule 2 is not valid: its id 3 is another rule's"
    );
    let e = refused(|v| v["rules"][0]["name"] = "a\u{1b}[31m".into());
    assert!(matches!(e, ShareError::BadRule { at: 1, .. }), "{e}");
    let e = refused(|v| v["rules"][0]["series"]["webhook"] = "https://evil.example".into());
    assert!(
        matches!(&e, ShareError::Shape(m) if m.contains("webhook")),
        "{e}"
    );
    let e = refused(|v| v["rules"][0]["condition"]["kind"] = "exec".into());
    assert!(matches!(e, ShareError::Shape(_)), "{e}");
    let e = refused(|v| {
        let one = v["rules"][1].clone();
        v["rules"] = serde_json::Value::Array(
            (0..51)
                .map(|i| {
                    let mut r = one.clone();
                    r["id"] = i.into();
                    r
                })
                .collect(),
        );
    });
    assert_eq!(e, ShareError::TooManyRules { count: 51 });
}

#[test]
fn a_selected_range_must_run_forwards_within_any_feeds_years() {
    let e =
        refused(|v| v["range"] = serde_json::json!([1_764_003_600_000i64, 1_764_000_000_000i64]));
    assert!(matches!(e, ShareError::OutOfRange { .. }), "{e}");
    let e = refused(|v| v["range"] = serde_json::json!([-5, 10]));
    assert!(matches!(e, ShareError::OutOfRange { value: -5, .. }), "{e}");
    let e = refused(|v| v["range"] = serde_json::json!([1, 2, 3]));
    assert!(matches!(e, ShareError::Shape(_)), "{e}");
}

//! Helpers shared by the browser test files: a fresh laid-out container, waiting for a
//! condition frame by frame (never for a fixed time), reading attributes and canvas pixels.
#![allow(dead_code)] // each test file uses its own subset

use leptos::prelude::*;
use tradelens::feeds::{FeedSpec, FeedStatus, Feeds, Phase};
use tradelens::live::Live;
use tradelens_core::demo::DemoMode;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

/// A fixed "now", so each test knows exactly which trades the demo produced.
pub const NOW: i64 = 1_764_000_000_000;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, laid-out container at desktop width. The address loses its fragment and the
/// browser its saved dashboard settings and theme first: the tests share one document, and a
/// dashboard mounted here would otherwise open the link or the layout an earlier test's
/// dashboard left (a fresh page has neither).
pub fn fresh_container() -> HtmlElement {
    let window = web_sys::window().unwrap();
    if let Some(storage) = window.local_storage().unwrap() {
        storage
            .remove_item(tradelens::settings::STORAGE_KEY)
            .unwrap();
    }
    let _ = document()
        .document_element()
        .unwrap()
        .remove_attribute("data-theme");
    if !window.location().hash().unwrap_or_default().is_empty() {
        let path = window.location().pathname().unwrap_or_default();
        let search = window.location().search().unwrap_or_default();
        window
            .history()
            .unwrap()
            .replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{search}")),
            )
            .unwrap();
    }
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    el.set_attribute("style", "width: 1000px").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits up to 300 frames for `cond`; panics with `what` if it never holds.
pub async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..300 {
        if cond() {
            return;
        }
        next_frame().await;
    }
    panic!("timed out waiting for {what}");
}

pub fn query(root: &HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

pub fn attr(root: &HtmlElement, selector: &str, name: &str) -> Option<String> {
    query(root, selector).and_then(|e| e.get_attribute(name))
}

pub fn canvas(root: &HtmlElement, testid: &str) -> HtmlCanvasElement {
    query(root, &format!("[data-testid={testid}]"))
        .unwrap()
        .unchecked_into()
}

/// Pixels in the chart's plot area that differ from its top-left background pixel.
pub fn drawn_pixels(canvas: &HtmlCanvasElement) -> usize {
    let area = canvas
        .get_attribute("data-plot-area")
        .expect("plot area recorded");
    let v: Vec<f64> = area.split(',').map(|s| s.parse().unwrap()).collect();
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let bg = ctx.get_image_data(0.0, 0.0, 1.0, 1.0).unwrap().data().0;
    let data = ctx.get_image_data(v[0], v[1], v[2], v[3]).unwrap().data().0;
    data.chunks(4).filter(|px| px[..3] != bg[..3]).count()
}

/// A blob holding `bytes`.
pub fn blob_of(bytes: &[u8]) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

/// A paused orders demo and a feed list feeding it, made under a mounted owner.
pub fn paused_feeds() -> (Live, Feeds) {
    let live = Live::new(DemoMode::Orders, NOW);
    live.running.set(false);
    let slot: std::rc::Rc<std::cell::Cell<Option<Feeds>>> = Default::default();
    let s = slot.clone();
    let handle = leptos::mount::mount_to(fresh_container(), move || {
        s.set(Some(Feeds::new(live)));
        view! { <p>"feeds"</p> }
    });
    handle.forget();
    (live, slot.get().unwrap())
}

/// Imports `bytes` as the file feed `spec`, waits for the import to end, and returns the
/// feed's status then.
pub async fn import_file(feeds: Feeds, spec: FeedSpec, bytes: &[u8]) -> FeedStatus {
    let id = feeds.import(spec, blob_of(bytes));
    let status = feeds
        .entries
        .get_untracked()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap()
        .status;
    wait_for("the import to finish", || {
        status.get_untracked().phase == Phase::Done
    })
    .await;
    status.get_untracked()
}

/// Picks `value` in the select with `testid`, as a user would (a change event).
pub fn choose(root: &HtmlElement, testid: &str, value: &str) {
    let select: HtmlSelectElement = query(root, &format!("[data-testid={testid}]"))
        .unwrap()
        .unchecked_into();
    select.set_value(value);
    let ev = web_sys::Event::new_with_event_init_dict("change", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    select.dispatch_event(&ev).unwrap();
}

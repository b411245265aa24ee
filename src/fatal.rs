//! What the user sees if the app panics: a message on the page, never a blank or frozen page
//! without explanation. The details still go to the console.

use wasm_bindgen::JsCast;

/// Logs panics to the console and shows an alert banner at the top of the page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&format!("TradeLens stopped because of an internal error: {info}. Reload the page to start again."));
    }));
}

/// Shows `message` in a banner at the top of the page, built with DOM calls (text, not markup).
pub fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("fatal");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "fatal");
    banner.set_text_content(Some(message));
    if let Some(el) = banner.dyn_ref::<web_sys::HtmlElement>() {
        let _ = body.prepend_with_node_1(el);
    }
}

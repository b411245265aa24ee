//! Telling the user: system notifications, a short beep, and a count in the page title.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};

/// The page title without a badge.
pub const TITLE: &str = "TradeLens";

/// Whether notifications may be shown; `None` where the browser has no Notification API.
pub fn permission() -> Option<NotificationPermission> {
    let has_api = js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("Notification"))
        .unwrap_or(false);
    has_api.then(Notification::permission)
}

/// Asks for permission (call from a user gesture) and returns the answer.
pub async fn request_permission() -> Result<NotificationPermission, String> {
    if permission().is_none() {
        return Err("this browser cannot show notifications".into());
    }
    let promise = Notification::request_permission().map_err(|e| format!("{e:?}"))?;
    let answer = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(answer
        .as_string()
        .and_then(|s| NotificationPermission::from_js_value(&JsValue::from_str(&s)))
        .unwrap_or(NotificationPermission::Default))
}

/// Shows a notification if permission is granted; whether one was shown.
pub fn show(title: &str, body: &str) -> bool {
    if permission() != Some(NotificationPermission::Granted) {
        return false;
    }
    let opts = NotificationOptions::new();
    opts.set_body(body);
    Notification::new_with_options(title, &opts).is_ok()
}

/// A 0.2 s 880 Hz beep through WebAudio (no audio file). Failures are silent: the sound is
/// an extra beside the visible state.
pub fn beep() {
    thread_local! {
        // One context for the page: browsers cap how many may exist at once.
        static CTX: Option<AudioContext> = AudioContext::new().ok();
    }
    CTX.with(|ctx| {
        if let Some(ctx) = ctx {
            let _ = play(ctx);
        }
    });
}

fn play(ctx: &AudioContext) -> Result<(), JsValue> {
    {
        let osc = ctx.create_oscillator()?;
        let gain = ctx.create_gain()?;
        osc.frequency().set_value(880.0);
        gain.gain().set_value(0.1);
        osc.connect_with_audio_node(&gain)?;
        gain.connect_with_audio_node(&ctx.destination())?;
        let t = ctx.current_time();
        osc.start_with_when(t)?;
        osc.stop_with_when(t + 0.2)?;
        Ok(())
    }
}

/// The page title with `firing` rules counted: "(2) TradeLens", or plain when none fire.
pub fn title_for(firing: usize) -> String {
    if firing == 0 {
        TITLE.to_string()
    } else {
        format!("({firing}) {TITLE}")
    }
}

/// Sets the page title.
pub fn set_title(firing: usize) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&title_for(firing));
    }
}

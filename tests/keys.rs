//! Browser tests of the API-key store (localStorage `tradelens.keys`): bindings kept by feed,
//! a damaged entry refused with a message, a key following an edited URL only on its origin,
//! the reactive view the feed rows read, and a full localStorage giving a clear error.

use leptos::prelude::*;
use tradelens::feeds::keys::{
    binding_for, load, provide_keys_context, remove, store, KeyStoreError, STORAGE_KEY,
};
use tradelens_core::feed::keys::KeyBinding;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FEED: &str = "https://api.shop.example/v1/orders.json";
const SECRET: &str = "Bearer not-in-any-message";

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn fresh() {
    local().remove_item(STORAGE_KEY).unwrap();
}

fn binding(url: &str) -> KeyBinding {
    KeyBinding::new(url, "Authorization", SECRET).unwrap()
}

#[wasm_bindgen_test]
fn bindings_are_kept_by_feed_and_removed_with_their_origins() {
    fresh();
    assert_eq!(binding_for(FEED), None);
    store(FEED, binding(FEED)).unwrap();
    let other = "http://127.0.0.1:9/keyed/orders.csv";
    store(other, binding(other)).unwrap();
    assert_eq!(binding_for(FEED), Some(binding(FEED)));
    assert_eq!(load().bindings.len(), 2);
    assert_eq!(load().problem, None);
    // Another feed at the same origin has no key of its own.
    assert_eq!(binding_for("https://api.shop.example/v1/other.json"), None);

    let gone = remove(&[FEED.to_owned(), "https://never.example/".to_owned()]).unwrap();
    assert_eq!(gone, ["https://api.shop.example"]);
    assert_eq!(binding_for(FEED), None);
    assert!(binding_for(other).is_some());
    // The last one removed leaves no entry behind.
    remove(&[other.to_owned()]).unwrap();
    assert_eq!(local().get_item(STORAGE_KEY).unwrap(), None);
}

#[wasm_bindgen_test]
fn a_damaged_entry_is_refused_with_a_message_and_replaced_by_the_next_binding() {
    fresh();
    local()
        .set_item(STORAGE_KEY, &format!("{{\"{FEED}\": \"{SECRET}\"}}"))
        .unwrap();
    let loaded = load();
    assert!(loaded.bindings.is_empty());
    let problem = loaded.problem.unwrap();
    assert!(problem.contains("were ignored"), "{problem}");
    assert!(!problem.contains("not-in-any-message"), "{problem}");
    assert_eq!(binding_for(FEED), None);
    store(FEED, binding(FEED)).unwrap();
    assert_eq!(load().problem, None);
    assert_eq!(binding_for(FEED), Some(binding(FEED)));
    fresh();
}

#[wasm_bindgen_test]
fn a_key_follows_an_edited_url_only_on_its_origin_and_rows_see_each_change() {
    fresh();
    let owner = Owner::new();
    owner.with(|| {
        let keys = provide_keys_context();
        let shown = Memo::new(move |_| keys.bound(FEED).map(|b| b.origin));
        assert_eq!(shown.get_untracked(), None);
        keys.bind(FEED, binding(FEED)).unwrap();
        assert_eq!(
            shown.get_untracked().as_deref(),
            Some("https://api.shop.example")
        );

        // The same origin, another path: the key moves with the feed.
        let same = "https://api.shop.example/v2/orders.json";
        keys.moved(FEED, same, same).unwrap();
        assert_eq!(shown.get_untracked(), None);
        assert_eq!(binding_for(same), Some(binding(same)));
        // Another host: the key is forgotten, never moved to it.
        let elsewhere = "https://mirror.example/v2/orders.json";
        keys.moved(same, elsewhere, elsewhere).unwrap();
        assert_eq!(binding_for(same), None);
        assert_eq!(binding_for(elsewhere), None);

        keys.bind(FEED, binding(FEED)).unwrap();
        keys.forget(FEED).unwrap();
        assert_eq!(shown.get_untracked(), None);
        assert_eq!(local().get_item(STORAGE_KEY).unwrap(), None);
    });
    drop(owner);
}

#[wasm_bindgen_test]
fn a_full_local_storage_gives_a_clear_error_not_a_panic() {
    fresh();
    let s = local();
    // Fill this origin's localStorage to the last character it takes.
    let mut filled = Vec::new();
    let mut size = 1 << 20;
    while size > 0 {
        let name = format!("keys-test-fill-{}", filled.len());
        if s.set_item(&name, &"x".repeat(size)).is_ok() {
            filled.push(name);
        } else {
            size /= 4;
        }
    }
    let refused = store(FEED, binding(FEED));
    for name in &filled {
        s.remove_item(name).unwrap();
    }
    let e = refused.unwrap_err();
    assert!(matches!(e, KeyStoreError::Write(_)), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("could not be saved") && text.contains("full"),
        "{text}"
    );
    assert!(!text.contains("not-in-any-message"), "{text}");
    assert_eq!(binding_for(FEED), None);
    // With room again, it is kept.
    store(FEED, binding(FEED)).unwrap();
    fresh();
}

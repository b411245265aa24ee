//! Browser entry point: panic hook, then mount the app.

fn main() {
    tradelens::fatal::install_panic_hook();
    leptos::mount::mount_to_body(tradelens::App);
}

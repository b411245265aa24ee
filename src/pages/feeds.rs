//! The Feeds page: the feed list with live status, the forms that add feeds, data quality
//! and the quarantine.

use leptos::prelude::*;

use crate::components::feeds::{
    AddFileFeed, AddHttpFeed, AddVenueFeed, FeedList, QualityPanel, QuarantineList,
};

/// Managing feeds. No props: needs [`crate::feeds::Feeds`] and [`crate::live::Live`] in
/// context (`provide_feeds_context` in `App`).
#[component]
pub fn FeedsPage() -> impl IntoView {
    view! {
        <section class="feeds-page" data-testid="feeds-page" aria-labelledby="feeds-title">
            <h2 id="feeds-title">"Feeds"</h2>
            <FeedList />
            <div class="add-feeds">
                <AddVenueFeed />
                <AddHttpFeed />
                <AddFileFeed />
            </div>
            <QualityPanel />
            <QuarantineList />
        </section>
    }
}

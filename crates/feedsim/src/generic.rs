//! Generic order feeds for the app's polling, SSE and file import: `/orders.json` (array),
//! `/orders.ndjson`, `/orders.csv` and `/orders.html` (a page with a table, for the HTML
//! decoder), all with `ETag` / `If-None-Match` (304), `?limit=` (newest N, default 500),
//! `?since_id=` and `?until_id=` (a fixed set of orders, the same on every request while the
//! history holds it: tests compare two browsers on the same data); and `/sse/orders`, Server-Sent Events resuming after `Last-Event-ID` (or
//! `?last_id=`).
//!
//! Each order: `id`, `time` (RFC 3339, ms), `time_ms`, `product`, `category`, `quantity`,
//! `price` (unit price), `total`, `region`, `channel`, `customer`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::broadcast::{self, error::RecvError};
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::{Dim, Trade};

use crate::control::Action;
use crate::format::rfc3339;
use crate::http::{self, Request, Response};
use crate::market::{lock, Venue};
use crate::server::Hub;

/// The demo order feed as the simulator uses it.
pub fn order_feed(seed: u64, rate: f64, start_ms: i64) -> DemoFeed {
    DemoFeed::new(
        DemoConfig {
            mode: DemoMode::Orders,
            seed,
            rate,
        },
        start_ms,
    )
}

#[derive(Debug)]
struct State {
    recent: VecDeque<Trade>,
    generated: u64,
}

/// Recent orders plus their live broadcast.
#[derive(Debug)]
pub struct Orders {
    state: Mutex<State>,
    tx: broadcast::Sender<Arc<Vec<Trade>>>,
    max: usize,
}

impl Orders {
    /// Keeps `max` orders; receivers may lag `queue` batches.
    pub fn new(max: usize, queue: usize) -> Orders {
        Orders {
            state: Mutex::new(State {
                recent: VecDeque::new(),
                generated: 0,
            }),
            tx: broadcast::channel(queue.max(1)).0,
            max: max.max(1),
        }
    }

    /// Stores and broadcasts new orders.
    pub fn push(&self, orders: Vec<Trade>) {
        if orders.is_empty() {
            return;
        }
        {
            let mut st = lock(&self.state);
            st.generated += orders.len() as u64;
            for o in &orders {
                if st.recent.len() == self.max {
                    st.recent.pop_front();
                }
                st.recent.push_back(o.clone());
            }
        }
        let _ = self.tx.send(Arc::new(orders));
    }

    /// Orders generated so far.
    pub fn generated(&self) -> u64 {
        lock(&self.state).generated
    }

    /// Orders with id above `since_id` and at most `until_id` (either unbounded if `None`),
    /// the newest `limit` of them.
    pub fn select(&self, since_id: Option<u64>, until_id: Option<u64>, limit: usize) -> Vec<Trade> {
        let st = lock(&self.state);
        let after: Vec<&Trade> = st
            .recent
            .iter()
            .filter(|o| since_id.is_none_or(|s| o.id > s) && until_id.is_none_or(|u| o.id <= u))
            .collect();
        after[after.len().saturating_sub(limit)..]
            .iter()
            .map(|&o| o.clone())
            .collect()
    }
}

fn dim(o: &Trade, d: Dim) -> &str {
    o.dims[d.index()].as_deref().unwrap_or("")
}

/// One order as a JSON object.
pub fn order_json(o: &Trade) -> String {
    json!({
        "id": o.id,
        "time": rfc3339(o.time_ms * 1_000_000, 3),
        "time_ms": o.time_ms,
        "product": &*o.symbol,
        "category": dim(o, Dim::Category),
        "quantity": o.qty,
        "price": o.price,
        "total": (o.price * o.qty * 100.0).round() / 100.0,
        "region": dim(o, Dim::Region),
        "channel": dim(o, Dim::Channel),
        "customer": dim(o, Dim::Customer),
    })
    .to_string()
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Escapes text for HTML content and quoted attribute values.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `/orders.html`: a page as a shop might publish it. A table `#orders` with a header row in
/// `<thead>` and one `<tr data-id>` per order in `<tbody>`, each cell classed by its column
/// (`td.price`), the time as the text of a `<time datetime>` with the RFC 3339 value.
fn orders_page(orders: &[Trade]) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Recent orders</title></head>\n\
         <body><h1>Recent orders</h1>\n<table id=\"orders\">\n<thead><tr><th>Order</th><th>Time</th>\
         <th>Product</th><th>Category</th><th>Quantity</th><th>Price</th><th>Total</th>\
         <th>Region</th><th>Channel</th><th>Customer</th></tr></thead>\n<tbody>\n",
    );
    for o in orders {
        let time = rfc3339(o.time_ms * 1_000_000, 3);
        let cells = [
            ("product", html_text(&o.symbol)),
            ("category", html_text(dim(o, Dim::Category))),
            ("quantity", o.qty.to_string()),
            ("price", format!("{:.2}", o.price)),
            ("total", format!("{:.2}", o.price * o.qty)),
            ("region", html_text(dim(o, Dim::Region))),
            ("channel", html_text(dim(o, Dim::Channel))),
            ("customer", html_text(dim(o, Dim::Customer))),
        ];
        s.push_str(&format!(
            "<tr data-id=\"{id}\"><td class=\"id\">{id}</td>\
             <td class=\"time\"><time datetime=\"{time}\">{time}</time></td>",
            id = o.id
        ));
        for (class, text) in cells {
            s.push_str(&format!("<td class=\"{class}\">{text}</td>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</body></html>\n");
    s
}

/// CSV header of `/orders.csv`.
pub const CSV_HEADER: &str =
    "id,time,product,category,quantity,price,total,region,channel,customer";

/// Answers `/orders.json`, `/orders.ndjson`, `/orders.csv` and `/orders.html`.
pub fn poll(req: &Request, hub: &Hub) -> Response {
    let (since, limit) = match (req.num::<u64>("since_id"), req.num::<usize>("limit")) {
        (Ok(s), Ok(l)) => (s, l.unwrap_or(500).clamp(1, 100_000)),
        (Err(e), _) | (_, Err(e)) => return Response::json(400, &json!({ "error": e })),
    };
    let until = match req.num::<u64>("until_id") {
        Ok(u) => u,
        Err(e) => return Response::json(400, &json!({ "error": e })),
    };
    let orders = hub.orders.select(since, until, limit);
    let format = req.path.trim_start_matches("/orders.");
    let etag = format!(
        "\"{format}-{}-{}-{}\"",
        orders.first().map_or(0, |o| o.id),
        orders.last().map_or(0, |o| o.id),
        orders.len()
    );
    if req
        .header("if-none-match")
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Response::empty(304)
            .with_header("ETag", etag)
            .with_header("Cache-Control", "no-cache");
    }
    let (ctype, body) = match format {
        "json" => {
            let items: Vec<String> = orders.iter().map(order_json).collect();
            ("application/json", format!("[{}]", items.join(",")))
        }
        "ndjson" => {
            let mut s = String::new();
            for o in &orders {
                s.push_str(&order_json(o));
                s.push('\n');
            }
            ("application/x-ndjson", s)
        }
        "csv" => {
            let mut s = format!("{CSV_HEADER}\r\n");
            for o in &orders {
                let row = [
                    o.id.to_string(),
                    rfc3339(o.time_ms * 1_000_000, 3),
                    csv_field(&o.symbol),
                    csv_field(dim(o, Dim::Category)),
                    o.qty.to_string(),
                    format!("{:.2}", o.price),
                    format!("{:.2}", o.price * o.qty),
                    csv_field(dim(o, Dim::Region)),
                    csv_field(dim(o, Dim::Channel)),
                    csv_field(dim(o, Dim::Customer)),
                ];
                s.push_str(&row.join(","));
                s.push_str("\r\n");
            }
            ("text/csv; charset=utf-8", s)
        }
        "html" => ("text/html; charset=utf-8", orders_page(&orders)),
        _ => return Response::json(404, &json!({"error": "unknown format"})),
    };
    Response::typed(200, ctype, body)
        .with_header("ETag", etag)
        .with_header("Cache-Control", "no-cache")
}

fn event(o: &Trade) -> String {
    format!("id: {}\nevent: order\ndata: {}\n\n", o.id, order_json(o))
}

async fn write(stream: &mut TcpStream, text: String, timeout: Duration) -> bool {
    matches!(
        tokio::time::timeout(timeout, stream.write_all(text.as_bytes())).await,
        Ok(Ok(()))
    )
}

/// Serves `/sse/orders` until the client leaves, a fault, or shutdown.
pub async fn serve_sse(mut stream: TcpStream, req: Request, hub: Arc<Hub>) {
    let cors = hub.cors.load(std::sync::atomic::Ordering::Relaxed);
    let mut rx = hub.orders.tx.subscribe();
    let mut control = hub.control.subscribe();
    let mut shutdown = hub.shutdown.clone();
    let last_id: Option<u64> = req
        .header("last-event-id")
        .or(req.param("last_id"))
        .and_then(|v| v.trim().parse().ok());
    let conn = hub.sent.open(Venue::Orders, &req.path);
    let head = http::head(
        200,
        &[
            ("Content-Type".into(), "text/event-stream".into()),
            ("Cache-Control".into(), "no-cache".into()),
        ],
        cors,
        "Connection: close\r\n",
    );
    let mut backlog = format!("{head}retry: 1000\n\n");
    let mut floor = 0;
    let mut first_ids = Vec::new();
    if let Some(id) = last_id {
        for o in hub.orders.select(Some(id), None, usize::MAX) {
            backlog.push_str(&event(&o));
            first_ids.push(o.id);
            floor = o.id;
        }
    }
    let timeout = hub.config.send_timeout;
    let mut ok = write(&mut stream, backlog, timeout).await;
    conn.record_named("orders", &first_ids);
    let mut sent_ring: VecDeque<(u64, String)> = VecDeque::new();
    let mut keepalive = tokio::time::interval(Duration::from_secs(15));
    while ok {
        // Order events (id, text) to send and record, or other text (comments, faults).
        let (items, other): (Vec<(u64, String)>, String) = tokio::select! {
            _ = shutdown.changed() => break,
            b = rx.recv() => match b {
                Ok(batch) => (
                    batch.iter().filter(|o| o.id > floor).map(|o| (o.id, event(o))).collect(),
                    String::new(),
                ),
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => break,
            },
            e = control.recv() => match e {
                Ok(e) if e.venues & Venue::Orders.bit() != 0 => match e.action {
                    Action::Drop | Action::Shutdown => break,
                    Action::Stall(d) => {
                        tokio::select! {
                            _ = tokio::time::sleep(d) => {}
                            _ = shutdown.changed() => break,
                        }
                        (Vec::new(), String::new())
                    }
                    Action::Malformed => (Vec::new(), "event: order\ndata: {\"id\":\n\n".into()),
                    Action::Send(text) => {
                        let data: String = text.lines().map(|l| format!("data: {l}\n")).collect();
                        (Vec::new(), format!("event: order\n{data}\n"))
                    }
                    Action::Replay(n) => {
                        let skip = sent_ring.len().saturating_sub(n);
                        (sent_ring.iter().skip(skip).cloned().collect(), String::new())
                    }
                },
                Ok(_) | Err(RecvError::Lagged(_)) => (Vec::new(), String::new()),
                Err(RecvError::Closed) => break,
            },
            _ = keepalive.tick() => (Vec::new(), ": keep-alive\n\n".into()),
        };
        if items.is_empty() && other.is_empty() {
            continue;
        }
        let text: String = items.iter().map(|(_, t)| t.as_str()).collect::<String>() + &other;
        ok = write(&mut stream, text, timeout).await;
        if ok {
            let ids: Vec<u64> = items.iter().map(|(id, _)| *id).collect();
            conn.record_named("orders", &ids);
            floor = floor.max(ids.iter().copied().max().unwrap_or(0));
            for item in items {
                if sent_ring.len() == 1000 {
                    sent_ring.pop_front();
                }
                sent_ring.push_back(item);
            }
        }
    }
    conn.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_is_escaped() {
        assert_eq!(
            html_text(r#"<b>"Tea" & 'cake'</b>"#),
            "&lt;b&gt;&quot;Tea&quot; &amp; &#39;cake&#39;&lt;/b&gt;"
        );
        let mut o = order_feed(1, 1.0, 0).generate_until(3_600_000).remove(0);
        o.symbol = "<script>x</script>".into();
        let page = orders_page(&[o]);
        assert!(page.contains("<td class=\"product\">&lt;script&gt;x&lt;/script&gt;</td>"));
        assert!(!page.contains("<script>"));
    }
}

//! The arithmetic behind interactive charts, kept out of the app: decimating a series to the
//! pixels that draw it, zooming and panning a time axis, and finding the bucket under a
//! pointer.

pub mod decimate;
pub mod view;

pub use decimate::{decimate, DecimateError};
pub use view::{nearest, TimeView};

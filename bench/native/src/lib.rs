//! Native benchmarks.

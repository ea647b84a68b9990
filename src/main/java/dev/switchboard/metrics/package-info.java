/**
 * Switchboard's meters on Micrometer: counters, gauges and latency histograms read from the core, served in Prometheus
 * text by the HTTP API ({@code GET /api/metrics}) and bound into a host application's registry (Spring Boot Actuator).
 * The only package that uses Micrometer.
 */
package dev.switchboard.metrics;

/**
 * The database, live: watched tables published on topics {@code table:NAME} (change-log triggers + one relay per
 * cluster), the durable transactional outbox, and consistent table snapshots; PostgreSQL and embedded H2.
 */
package dev.switchboard.db;

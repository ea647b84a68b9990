/**
 * The storage SPI over Redis 7 (standalone, or a Redis Cluster): {@link dev.switchboard.store.redis.RedisStorage} and
 * its parts, one concern each. Lua scripts are resources beside these classes ({@code *.lua}); each touches one hash
 * slot.
 *
 * <p>Design in brief (details in each class comment):
 * <ul>
 *   <li>Keys: {@link dev.switchboard.store.redis.Keys} — a channel's keys share the hash tag {@code {K}}, the nodes'
 *       registry shares {@code {cluster}}.</li>
 *   <li>Appends, signals, cursors: queued for one writer thread that pipelines them, one script call per channel per
 *       batch ({@link dev.switchboard.store.redis.RedisWriter}: the ordering argument).</li>
 *   <li>Delivery: sharded pub/sub, one channel {@code sb:{K}} per Switchboard channel, subscribed only while this node
 *       has members; one subscriber connection per Redis node; one bus thread that repairs gaps and catches up
 *       ({@link dev.switchboard.store.redis.RedisDelivery}: the message format).</li>
 *   <li>Presence: a mirror of this node's share written through; incarnations, hand-over after outages and the
 *       take-over of dead nodes channel by channel ({@link dev.switchboard.store.redis.RedisPresence}).</li>
 * </ul>
 */
package dev.switchboard.store.redis;

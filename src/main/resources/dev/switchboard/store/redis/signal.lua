-- KEYS bus channel; ARGV message (s\nPAYLOAD[\nEXCEPT], or l\nORIGIN\nPAYLOAD[\nEXCEPT]: see RedisDelivery).
-- A script rather than a bare SPUBLISH so that it rides the writer's pipeline like the appends, routed by its key
-- in a Redis Cluster.
return redis.call('SPUBLISH', KEYS[1], ARGV[1])

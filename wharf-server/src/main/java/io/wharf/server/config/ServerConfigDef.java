package io.wharf.server.config;

import static io.wharf.server.config.ConfigType.BOOLEAN;
import static io.wharf.server.config.ConfigType.DOUBLE;
import static io.wharf.server.config.ConfigType.INT;
import static io.wharf.server.config.ConfigType.LIST;
import static io.wharf.server.config.ConfigType.LISTENER_LIST;
import static io.wharf.server.config.ConfigType.LONG;
import static io.wharf.server.config.ConfigType.PATH_LIST;
import static io.wharf.server.config.ConfigType.STRING;
import static io.wharf.server.config.ConfigValidator.atLeast;
import static io.wharf.server.config.ConfigValidator.between;
import static io.wharf.server.config.ConfigValidator.each;
import static io.wharf.server.config.ConfigValidator.distinct;
import static io.wharf.server.config.ConfigValidator.eachOneOf;
import static io.wharf.server.config.ConfigValidator.nonEmpty;
import static io.wharf.server.config.ConfigValidator.oneOf;

import io.wharf.mqtt.bridge.ExportRule;

/**
 * Every key the broker understands. Names and defaults are Kafka's where Kafka has the key, so a Kafka
 * operator's habits carry over; the docs say where Wharf departs from Kafka. The README's configuration
 * reference is generated from this table, so a key documented there is a key that works.
 *
 * <p>Ranges are Kafka's with two kinds of exception: a few keys Kafka leaves unchecked get the obvious
 * bound (a thread count of at least 1), and {@code log.segment.bytes} keeps Kafka's minimum from before 4.0
 * (see its comment).
 */
final class ServerConfigDef {
    static final String BROKER_ID = "broker.id";
    static final String LISTENERS = "listeners";
    static final String ADVERTISED_LISTENERS = "advertised.listeners";
    static final String AMQP_LISTENERS = "amqp.listeners";
    static final String MQTT_LISTENERS = "mqtt.listeners";
    static final String MQTT_ALLOW_ANONYMOUS = "mqtt.allow.anonymous";
    static final String MQTT_SYS_INTERVAL_SECONDS = "mqtt.sys.interval.seconds";
    static final String MQTT_MAX_SESSION_EXPIRY_SECONDS = "mqtt.max.session.expiry.seconds";
    static final String MQTT_KAFKA_EXPORT = "mqtt.kafka.export";
    static final String MQTT_KAFKA_IMPORT = "mqtt.kafka.import";
    static final String MQTT_FLOW_BACKLOG_MESSAGES = "mqtt.flow.backlog.messages";
    static final String MEMORY_HIGH_WATERMARK = "memory.high.watermark";
    static final String DISK_FREE_LIMIT_BYTES = "disk.free.limit.bytes";
    static final String HTTP_LISTENERS = "http.listeners";
    static final String LOG_DIRS = "log.dirs";
    static final String LOG_DIR = "log.dir";
    static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    static final String ZOOKEEPER_CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    static final String ZOOKEEPER_EMBEDDED_PORT = "zookeeper.embedded.port";
    static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    static final String NUM_PARTITIONS = "num.partitions";
    static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    static final String LOG_RETENTION_HOURS = "log.retention.hours";
    static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    static final String LOG_RETENTION_MS = "log.retention.ms";
    static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    static final String LOG_ROLL_HOURS = "log.roll.hours";
    static final String LOG_ROLL_MS = "log.roll.ms";
    static final String LOG_ROLL_JITTER_HOURS = "log.roll.jitter.hours";
    static final String LOG_ROLL_JITTER_MS = "log.roll.jitter.ms";
    static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    static final String COMPRESSION_TYPE = "compression.type";
    static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
    static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
    static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
    static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    static final String TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    static final String TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS =
            "transaction.remove.expired.transaction.cleanup.interval.ms";
    static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    static final String GROUP_MAX_SIZE = "group.max.size";
    static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    static final String GROUP_CONSUMER_ASSIGNORS = "group.consumer.assignors";
    static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    static final String GROUP_CONSUMER_MIGRATION_POLICY = "group.consumer.migration.policy";
    static final String GROUP_SHARE_HEARTBEAT_INTERVAL_MS = "group.share.heartbeat.interval.ms";
    static final String GROUP_SHARE_SESSION_TIMEOUT_MS = "group.share.session.timeout.ms";
    static final String GROUP_SHARE_MAX_SIZE = "group.share.max.size";
    static final String GROUP_SHARE_DELIVERY_COUNT_LIMIT = "group.share.delivery.count.limit";
    static final String GROUP_SHARE_RECORD_LOCK_DURATION_MS = "group.share.record.lock.duration.ms";
    static final String GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS = "group.share.partition.max.record.locks";
    static final String GROUP_SHARE_AUTO_OFFSET_RESET = "group.share.auto.offset.reset";
    static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    static final String NUM_NETWORK_THREADS = "num.network.threads";
    static final String NUM_IO_THREADS = "num.io.threads";
    static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";

    static final String CLEANUP_DELETE = "delete";
    static final String CLEANUP_COMPACT = "compact";

    /**
     * Kafka checked {@code log.segment.bytes >= 14} (the size of a legacy record header) until 4.0, when
     * KIP-1030 raised the minimum to 1 MiB. Wharf keeps the old floor: tiny segments are how tests and
     * operators exercise rolling, retention and compaction without writing a gigabyte first.
     */
    static final int MIN_SEGMENT_BYTES = 14;

    /** Kafka types replication factors as a short (that is what CreateTopics carries). */
    private static final ConfigValidator REPLICATION_FACTOR = between(1, Short.MAX_VALUE);
    private static final ConfigValidator PORT = between(0, 65535);
    private static final ConfigValidator RETENTION = atLeast(-1);

    static final ConfigDef DEF = new ConfigDef()
            .define(BROKER_ID, INT, "0", atLeast(0),
                    "Identifies this broker; unique among the brokers that share a ZooKeeper.")
            .define(LISTENERS, LISTENER_LIST, "PLAINTEXT://127.0.0.1:9092", nonEmpty("listener"),
                    "Kafka-protocol endpoints to bind, as `NAME://host:port`. An empty host binds every interface, "
                            + "an IPv6 host is written in brackets (`[::1]`), port 0 picks a free port.")
            .define(ADVERTISED_LISTENERS, LISTENER_LIST, null,
                    "Kafka endpoints given to clients in metadata when they differ from `listeners` (NAT, "
                            + "containers). Every name must appear in `listeners`; the wildcard address and port 0 "
                            + "cannot be advertised. If not set, `listeners` is advertised.")
            .define(AMQP_LISTENERS, LISTENER_LIST, "AMQP://127.0.0.1:5672",
                    "AMQP 0-9-1 endpoints (RabbitMQ's clients), e.g. `AMQP://0.0.0.0:5672`. Set it empty "
                            + "(`amqp.listeners=`) to open no AMQP port.")
            .define(MEMORY_HIGH_WATERMARK, DOUBLE, "0.8", between(0.0, 1.0),
                    "The fraction of the maximum heap (`-Xmx`) that may be in use after a garbage collection "
                            + "before the memory alarm goes on: AMQP publishers are then blocked "
                            + "(`connection.blocked`) and MQTT publishers are no longer read from until it clears. "
                            + "Consumers go on. 0 blocks every publisher.")
            .define(DISK_FREE_LIMIT_BYTES, LONG, "52428800", atLeast(0),
                    "Free space on a log directory's disk under which the disk alarm goes on, blocking AMQP "
                            + "and MQTT publishers like the memory alarm. 0 turns the disk alarm off. RabbitMQ's default, 50 MB.")
            .define(MQTT_LISTENERS, LISTENER_LIST, "MQTT://127.0.0.1:1883",
                    "MQTT 3.1, 3.1.1 and 5 endpoints. The listener's name chooses the transport: `WS` (or a name "
                            + "starting with `WS_`) is MQTT over WebSocket, for browsers, at path `/mqtt` with the "
                            + "subprotocol `mqtt`; any other name is MQTT over TCP. E.g. "
                            + "`MQTT://0.0.0.0:1883,WS://0.0.0.0:8083`. The default binds loopback only, like the "
                            + "Kafka and AMQP defaults, so that a first start exposes nothing to the network (and "
                            + "`guest` may log in from loopback only anyway); give `0.0.0.0` or an interface's address "
                            + "to open it. Set it empty (`mqtt.listeners=`) to open no MQTT port.")
            .define(MQTT_ALLOW_ANONYMOUS, BOOLEAN, "false",
                    "Whether an MQTT client may connect without a user name; it then acts as user `guest` "
                            + "(loopback only, as for AMQP). When false such a CONNECT is refused with "
                            + "\"not authorized\" (3.1.1: return code 5; MQTT 5: reason 0x87).")
            .define(MQTT_SYS_INTERVAL_SECONDS, INT, "10", atLeast(0),
                    "How often the broker publishes its status under `$SYS/broker/` (Mosquitto's topics: clients "
                            + "connected, messages and bytes received and sent, uptime, version, retained message "
                            + "count), retained, for MQTT clients subscribed to `$SYS/#`. 0 publishes nothing "
                            + "(Mosquitto's `sys_interval`).")
            .define(MQTT_MAX_SESSION_EXPIRY_SECONDS, LONG, "86400", between(0, 4294967295L),
                    "How long a persistent MQTT session (its queue, subscriptions and waiting messages) outlives "
                            + "its connection at most: an MQTT 5 client's Session Expiry Interval is capped to it, "
                            + "and a 3.1.1 client connecting without clean session gets exactly this. RabbitMQ's "
                            + "`mqtt.max_session_expiry_interval_seconds`, one day by default. 4294967295 means no "
                            + "limit (an MQTT 5 session asking for 0xFFFFFFFF never expires); 0 ends every session "
                            + "with its connection.")
            .define(MQTT_KAFKA_EXPORT, LIST, null, each("FILTER>TOPIC", ExportRule::parse),
                    "MQTT to Kafka: `FILTER>TOPIC` entries, e.g. `sensors/#>sensor-readings,alarms/+>alarms`. A "
                            + "message an MQTT client publishes to a topic the filter matches is also appended to the "
                            + "Kafka topic (key: the MQTT topic; value: the payload; headers: the MQTT 5 properties), "
                            + "before the PUBLISH is acknowledged. A missing topic is created at start with "
                            + "`num.partitions`. See the README, \"Between MQTT and Kafka: the bridge\".")
            .define(MQTT_KAFKA_IMPORT, LIST, null, each("Kafka topic", ExportRule::requireBridgeableTopic),
                    "Kafka to MQTT: Kafka topics whose records MQTT clients receive, the record key being the "
                            + "MQTT topic (records without a usable key are skipped). Each record committed from the "
                            + "first start on is published once at least, also across restarts. A missing topic is "
                            + "created at start.")
            .define(MQTT_FLOW_BACKLOG_MESSAGES, INT, "1000", atLeast(0),
                    "Flow control from subscribers back to MQTT publishers, in the spirit of RabbitMQ's credit "
                            + "flow: when a queue an MQTT connection just published to holds more than this many "
                            + "messages its connected consumers have not yet been sent, the broker stops reading "
                            + "that connection (TCP back-pressure; nothing is dropped) until the queue is down to "
                            + "half. A queue without a connected consumer (an offline persistent session) never "
                            + "holds a publisher back, and publishers whose messages go elsewhere are not slowed. "
                            + "0 turns it off: publishers are then never paced by their subscribers.")
            .define(HTTP_LISTENERS, LISTENER_LIST, null,
                    "HTTP management API and `/metrics` endpoints, e.g. `HTTP://127.0.0.1:15672`. If not set, "
                            + "no HTTP port is opened.")
            .define(LOG_DIRS, PATH_LIST, "data/wharf-logs", nonEmpty("directory").and(distinct()),
                    "Directories that hold the partition logs, comma-separated; relative paths are resolved "
                            + "against the working directory.")
            .define(LOG_DIR, PATH_LIST, null, nonEmpty("directory").and(distinct()),
                    "Kafka's single-directory form, used only when `log.dirs` is not set.")
            .define(ZOOKEEPER_CONNECT, STRING, null, ConfigValidator.zooKeeperConnectString(),
                    "ZooKeeper ensemble holding the cluster metadata, e.g. `zk1:2181,zk2:2181/wharf`. If not set, "
                            + "the broker starts an embedded ZooKeeper (a single-broker cluster).")
            .define(ZOOKEEPER_SESSION_TIMEOUT_MS, INT, "18000", atLeast(1),
                    "ZooKeeper session timeout; a broker whose session expires drops out of the cluster.")
            .define(ZOOKEEPER_CONNECTION_TIMEOUT_MS, INT, null, atLeast(1),
                    "How long to wait for the ZooKeeper connection at start-up. If not set, "
                            + "`zookeeper.session.timeout.ms` is used.")
            .define(ZOOKEEPER_EMBEDDED_PORT, INT, "2181", PORT,
                    "Client port of the embedded ZooKeeper, used when `zookeeper.connect` is not set; 0 picks "
                            + "a free port.")
            .define(DELETE_TOPIC_ENABLE, BOOLEAN, "true",
                    "Whether topics can be deleted; if false, delete requests are refused.")
            .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, "true",
                    "Create a topic when a client first asks for one that does not exist.")
            .define(NUM_PARTITIONS, INT, "1", atLeast(1),
                    "Partitions of a topic created without an explicit count (including auto-created ones).")
            .define(DEFAULT_REPLICATION_FACTOR, INT, "1", REPLICATION_FACTOR,
                    "Replication factor of a topic created without an explicit one.")
            .define(MIN_INSYNC_REPLICAS, INT, "1", atLeast(1),
                    "With `acks=all`, the number of in-sync replicas that must hold a write before it is "
                            + "acknowledged.")
            .define(LOG_RETENTION_HOURS, INT, "168", RETENTION,
                    "How long to keep a segment before deleting it, in hours; -1 keeps segments forever. "
                            + "`log.retention.minutes` and `log.retention.ms` take precedence.")
            .define(LOG_RETENTION_MINUTES, INT, null, RETENTION,
                    "Retention in minutes; takes precedence over `log.retention.hours`.")
            .define(LOG_RETENTION_MS, LONG, null, RETENTION,
                    "Retention in milliseconds; takes precedence over `log.retention.minutes` and "
                            + "`log.retention.hours`. -1 keeps segments forever; 0 is not allowed.")
            .define(LOG_RETENTION_BYTES, LONG, "-1",
                    "Largest size a partition's log may reach before its oldest segments are deleted; "
                            + "negative means no size limit.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, "300000", atLeast(1),
                    "How often the retention task looks for segments to delete.")
            .define(LOG_SEGMENT_BYTES, INT, "1073741824", atLeast(MIN_SEGMENT_BYTES),
                    "Largest size of a segment file; a new segment is rolled when the next batch would not fit.")
            .define(LOG_ROLL_HOURS, INT, "168", atLeast(1),
                    "Age of the active segment, in hours, at which a new one is rolled even if it is not full. "
                            + "`log.roll.ms` takes precedence.")
            .define(LOG_ROLL_MS, LONG, null, atLeast(1),
                    "Roll age in milliseconds; takes precedence over `log.roll.hours`.")
            .define(LOG_ROLL_JITTER_HOURS, INT, "0", atLeast(0),
                    "Largest random jitter, in hours, subtracted from each segment's roll age, so that "
                            + "partitions created together do not all roll at once. `log.roll.jitter.ms` takes "
                            + "precedence.")
            .define(LOG_ROLL_JITTER_MS, LONG, null, atLeast(0),
                    "Roll jitter in milliseconds; takes precedence over `log.roll.jitter.hours`.")
            .define(LOG_INDEX_INTERVAL_BYTES, INT, "4096", atLeast(0),
                    "Bytes of records between two entries of the sparse offset index.")
            .define(LOG_INDEX_SIZE_MAX_BYTES, INT, "10485760", atLeast(4),
                    "Largest size of an offset or time index; a segment whose index is full is rolled.")
            .define(LOG_FLUSH_INTERVAL_MESSAGES, LONG, String.valueOf(Long.MAX_VALUE), atLeast(1),
                    "Force an fsync after this many messages accumulate in a partition. The default leaves "
                            + "flushing to the operating system and durability to replication, as Kafka does.")
            .define(LOG_FLUSH_INTERVAL_MS, LONG, null, atLeast(0),
                    "Force an fsync of a partition that has held unflushed messages this long. If not set, "
                            + "`log.flush.scheduler.interval.ms` is used.")
            // Kafka leaves this unchecked, but a scheduler period below 1 ms cannot be scheduled.
            .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, LONG, String.valueOf(Long.MAX_VALUE), atLeast(1),
                    "How often the flusher checks whether a partition is due for an fsync (flush.ms). Unlike Kafka, where the default means never, Wharf then checks once a second.")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, INT, "60000", atLeast(0),
                    "How often the recovery point (last flushed offset) is checkpointed; after a crash, "
                            + "recovery rescans the log from it.")
            .define(LOG_CLEANUP_POLICY, LIST, CLEANUP_DELETE,
                    nonEmpty("policy").and(distinct()).and(eachOneOf(CLEANUP_DELETE, CLEANUP_COMPACT)),
                    "Default policy for old segments: delete them, compact them (keep the last record per key), "
                            + "or both (`delete,compact`).")
            .define(LOG_CLEANER_ENABLE, BOOLEAN, "true",
                    "Run the log cleaner, which compacts topics with the compact policy, including "
                            + "`__consumer_offsets`.")
            .define(LOG_CLEANER_DELETE_RETENTION_MS, LONG, "86400000", atLeast(0),
                    "How long delete markers (tombstones) are kept in compacted topics.")
            .define(LOG_CLEANER_MIN_CLEANABLE_RATIO, DOUBLE, "0.5", between(0.0, 1.0),
                    "Share of a log that must be uncompacted before the cleaner compacts it.")
            .define(LOG_CLEANER_MAX_COMPACTION_LAG_MS, LONG, String.valueOf(Long.MAX_VALUE), atLeast(1),
                    "Longest a record may stay uncompacted in a compacted topic: a log whose uncompacted part "
                            + "holds an older segment is compacted even below the cleanable ratio, and its "
                            + "active segment is rolled by then.")
            .define(LOG_CLEANER_BACKOFF_MS, LONG, "15000", atLeast(0),
                    "How long the cleaner sleeps when no log needs cleaning.")
            .define(LOG_SEGMENT_DELETE_DELAY_MS, LONG, "60000", atLeast(0),
                    "Delay between a segment being deleted from the log and its files being removed, so that "
                            + "reads in progress can finish.")
            .define(FILE_DELETE_DELAY_MS, LONG, null, atLeast(0),
                    "Kafka's topic-level name for `log.segment.delete.delay.ms`; used only when that key is "
                            + "not set.")
            .define(MESSAGE_MAX_BYTES, INT, "1048588", atLeast(0),
                    "Largest record batch the broker accepts, after compression (1 MiB plus the 12-byte "
                            + "batch log overhead).")
            .define(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, LONG, String.valueOf(Long.MAX_VALUE), atLeast(0),
                    "With CreateTime timestamps, how far a record's timestamp may lie behind the broker's clock; "
                            + "a batch holding an older one is refused with INVALID_TIMESTAMP. The default "
                            + "accepts any age.")
            .define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, LONG, "3600000", atLeast(0),
                    "With CreateTime timestamps, how far a record's timestamp may lie ahead of the broker's "
                            + "clock; a batch holding a later one is refused with INVALID_TIMESTAMP (Kafka 4's "
                            + "default: one hour).")
            .define(COMPRESSION_TYPE, STRING, "producer",
                    oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                    "Codec every topic stores its batches in unless it overrides `compression.type`; batches "
                            + "in another codec are recompressed on arrival. `producer` keeps each batch as its "
                            + "producer compressed it.")
            .define(COMPRESSION_GZIP_LEVEL, INT, "-1", ConfigValidator.of("1 to 9, or -1",
                            value -> {
                                int level = (Integer) value;
                                return level == -1 || (level >= 1 && level <= 9) ? null : "must be 1 to 9, or -1";
                            }),
                    "Level of gzip when the broker compresses (`compression.type=gzip`); -1 is zlib's default.")
            .define(COMPRESSION_LZ4_LEVEL, INT, "9", between(1, 17),
                    "Level of lz4 when the broker compresses (`compression.type=lz4`).")
            .define(COMPRESSION_ZSTD_LEVEL, INT, "3", between(-131072, 22),
                    "Level of zstd when the broker compresses (`compression.type=zstd`).")
            .define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, "50", atLeast(1),
                    "Partitions of the internal `__consumer_offsets` topic; fixed once the topic exists.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, INT, "1", REPLICATION_FACTOR,
                    "Replication factor of `__consumer_offsets`. Kafka's default is 3; Wharf's is 1 so that a "
                            + "single broker works out of the box.")
            .define(TRANSACTION_STATE_LOG_NUM_PARTITIONS, INT, "50", atLeast(1),
                    "Partitions of the internal `__transaction_state` topic; fixed once the topic exists.")
            .define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, INT, "1", REPLICATION_FACTOR,
                    "Replication factor of `__transaction_state`. Kafka's default is 3; Wharf's is 1 so that a "
                            + "single broker works out of the box.")
            .define(TRANSACTION_STATE_LOG_MIN_ISR, INT, "1", atLeast(1),
                    "`min.insync.replicas` of `__transaction_state`. Kafka's default is 2; Wharf's is 1.")
            .define(PRODUCER_ID_EXPIRATION_MS, INT, "86400000", atLeast(1),
                    "How long a partition remembers an idempotent producer that has stopped writing (its "
                            + "sequence numbers, for spotting retried batches); a producer with an open "
                            + "transaction is kept.")
            .define(TRANSACTION_MAX_TIMEOUT_MS, INT, "900000", atLeast(1),
                    "The longest `transaction.timeout.ms` a producer may ask for; longer gets "
                            + "INVALID_TRANSACTION_TIMEOUT.")
            .define(TRANSACTIONAL_ID_EXPIRATION_MS, INT, "604800000", atLeast(1),
                    "How long the coordinator keeps a transactional id that has no transaction in progress "
                            + "and no activity.")
            .define(TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS, INT, "10000", atLeast(1),
                    "How often transactions older than their timeout are aborted (and their producer fenced).")
            .define(TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS, INT, "3600000", atLeast(1),
                    "How often expired transactional ids are removed.")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, "3000", atLeast(0),
                    "How long a new consumer group waits for more members before its first rebalance.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, "6000", atLeast(1),
                    "The smallest session.timeout.ms a consumer may ask for.")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, INT, "1800000", atLeast(1),
                    "The largest session.timeout.ms a consumer may ask for.")
            .define(GROUP_MAX_SIZE, INT, "2147483647", atLeast(1),
                    "The most members one consumer group may have.")
            .define(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, INT, "5000", atLeast(1),
                    "How often members of a consumer group of the new protocol (`group.protocol=consumer`) "
                            + "heartbeat; must be below `group.consumer.session.timeout.ms`.")
            .define(GROUP_CONSUMER_SESSION_TIMEOUT_MS, INT, "45000", atLeast(1),
                    "How long a member of a `group.protocol=consumer` group may go without a heartbeat before "
                            + "it is removed and its partitions reassigned.")
            .define(GROUP_CONSUMER_ASSIGNORS, LIST, "uniform,range",
                    nonEmpty("assignor").and(distinct()).and(eachOneOf("uniform", "range")),
                    "The server-side assignors that `group.protocol=consumer` groups may choose "
                            + "(`group.remote.assignor`); the first is the default.")
            .define(GROUP_CONSUMER_MAX_SIZE, INT, "2147483647", atLeast(1),
                    "The most members one `group.protocol=consumer` group may have.")
            .define(GROUP_CONSUMER_MIGRATION_POLICY, STRING, "bidirectional",
                    oneOf("bidirectional", "upgrade", "downgrade", "disabled"),
                    "Whether a group with members moves between the protocols: `upgrade` turns a classic group into "
                            + "a `group.protocol=consumer` group when a member of the new protocol joins, `downgrade` the "
                            + "reverse when the last one leaves, `bidirectional` both, `disabled` neither.")
            .define(GROUP_SHARE_HEARTBEAT_INTERVAL_MS, INT, "5000", atLeast(1),
                    "How often members of a share group (`KafkaShareConsumer`) heartbeat; must be below "
                            + "`group.share.session.timeout.ms`.")
            .define(GROUP_SHARE_SESSION_TIMEOUT_MS, INT, "45000", atLeast(1),
                    "How long a share group member may go without a heartbeat before it is removed and the "
                            + "records it holds are released.")
            .define(GROUP_SHARE_MAX_SIZE, INT, "200", between(1, 1000),
                    "The most members one share group may have.")
            .define(GROUP_SHARE_DELIVERY_COUNT_LIMIT, INT, "5", between(2, 10),
                    "How many times a share group delivers a record; one that comes back (released, or its "
                            + "lock expired) after that many deliveries is archived, never delivered again.")
            .define(GROUP_SHARE_RECORD_LOCK_DURATION_MS, INT, "30000", between(1000, 3600000),
                    "How long a share group member holds a record it acquired before it goes to another one.")
            .define(GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS, INT, "2000", between(100, 10000),
                    "The most records of one partition a share group has acquired at once.")
            .define(GROUP_SHARE_AUTO_OFFSET_RESET, STRING, "latest", oneOf("latest", "earliest"),
                    "Where a share group starts reading a partition it never read: `latest` (records "
                            + "produced from then on) or `earliest`; the default of every share group, which its own "
                            + "`share.auto.offset.reset` group config overrides.")
            .define(OFFSET_METADATA_MAX_BYTES, INT, "4096", atLeast(0),
                    "The largest metadata string a committed offset may carry.")
            .define(OFFSETS_RETENTION_MINUTES, INT, "10080", atLeast(1),
                    "How long the committed offsets of a group with no members are kept (7 days by default).")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, LONG, "600000", atLeast(1),
                    "How often expired committed offsets and empty groups are removed.")
            .define(NUM_NETWORK_THREADS, INT, "3", atLeast(1),
                    "Threads that read requests from and write responses to the network.")
            .define(NUM_IO_THREADS, INT, "8", atLeast(1),
                    "Threads that process requests, including their disk I/O.")
            .define(SOCKET_REQUEST_MAX_BYTES, INT, "104857600", atLeast(1),
                    "Largest request the broker reads; a larger one closes the connection.");

    private ServerConfigDef() {
    }
}

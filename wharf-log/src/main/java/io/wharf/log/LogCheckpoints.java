package io.wharf.log;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The offset checkpoints of one log directory, read and written together. */
final class LogCheckpoints {
    static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET = "log-start-offset-checkpoint";
    static final String HIGH_WATERMARK = "replication-offset-checkpoint";
    static final String CLEANER = "cleaner-offset-checkpoint";

    private final CheckpointFile recoveryPoints;
    private final CheckpointFile logStartOffsets;
    private final CheckpointFile highWatermarks;
    private final CheckpointFile cleanerOffsets;

    LogCheckpoints(Path dir) {
        recoveryPoints = new CheckpointFile(dir.resolve(RECOVERY_POINT));
        logStartOffsets = new CheckpointFile(dir.resolve(LOG_START_OFFSET));
        highWatermarks = new CheckpointFile(dir.resolve(HIGH_WATERMARK));
        cleanerOffsets = new CheckpointFile(dir.resolve(CLEANER));
    }

    Map<LogId, CheckpointedOffsets> read() {
        Map<LogId, Long> rp = recoveryPoints.read();
        Map<LogId, Long> start = logStartOffsets.read();
        Map<LogId, Long> hw = highWatermarks.read();
        Map<LogId, CheckpointedOffsets> result = new HashMap<>();
        for (LogId id : rp.keySet()) {
            result.put(id, new CheckpointedOffsets(rp.get(id), start.getOrDefault(id, 0L), hw.getOrDefault(id, 0L)));
        }
        return result;
    }

    void write(Map<LogId, Log> logs) {
        Map<LogId, Long> rp = new HashMap<>();
        Map<LogId, Long> start = new HashMap<>();
        Map<LogId, Long> hw = new HashMap<>();
        logs.forEach((id, log) -> {
            rp.put(id, log.recoveryPoint());
            start.put(id, log.logStartOffset());
            hw.put(id, log.highWatermark());
        });
        recoveryPoints.write(rp);
        logStartOffsets.write(start);
        highWatermarks.write(hw);
    }

    CheckpointFile cleanerOffsets() { return cleanerOffsets; }
}

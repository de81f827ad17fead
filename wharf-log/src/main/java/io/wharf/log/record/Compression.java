package io.wharf.log.record;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyError;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * Compression codecs of the record batch format; the id is the attributes' low three bits.
 *
 * <p>In a v2 batch the whole records section (everything after the 61-byte header) is one compressed
 * stream. The streams here are the ones the Kafka Java client (4.1) uses for magic 2, with the same
 * settings, so Kafka clients read what Wharf writes and the reverse:
 * <ul>
 *   <li>gzip: {@code java.util.zip} GZIP, 8 KiB deflater buffer, default level, behind a 16 KiB buffer;</li>
 *   <li>snappy: xerial's framing ({@code SnappyOutputStream}, 32 KiB blocks), not the snappy frame format;</li>
 *   <li>lz4: the standard LZ4 frame format, 64 KiB independent blocks, no block or content checksum,
 *       no content size. Kafka's own {@code Lz4BlockOutputStream} writes exactly these flags, with the
 *       header checksum computed correctly (only magic 0/1 used the broken one);</li>
 *   <li>zstd: a zstd frame at level 3, behind a 16 KiB buffer.</li>
 * </ul>
 * The result is byte-for-byte what kafka-clients writes (the tests pin it). The zstd buffer matters for
 * that, not only for speed: closing a {@code BufferedOutputStream} flushes the zstd stream before ending it,
 * which emits one extra empty block (3 bytes); without the buffer the bytes would differ, though either
 * form decodes the same.
 *
 * <p>Levels ({@code compression.gzip.level}, {@code compression.lz4.level}, {@code compression.zstd.level},
 * KIP-390) have Kafka's ranges and defaults and are applied as Kafka applies them: gzip sets the deflater's
 * level, lz4 switches from lz4's fast compressor (the default, level 9) to its high compressor at the given
 * level, zstd passes the level to the library. A level changes only the compressed bytes, never the format:
 * every reader decodes every level. snappy and none have no levels.
 *
 * <p>Reading is defensive, since the input may be corrupt: codec failures all surface as
 * {@link IOException}, and snappy's length claims are checked before snappy-java allocates them.
 */
public enum Compression {
    NONE(0, "none", 0, 0, 0),
    /** -1 is zlib's default level (6), Kafka's default; 1 (fastest) to 9 (smallest) otherwise. */
    GZIP(1, "gzip", -1, 1, 9),
    SNAPPY(2, "snappy", 0, 0, 0),
    LZ4(3, "lz4", 9, 1, 17),
    /**
     * zstd's range as zstd-jni reports it (ZSTD_minCLevel is -(1 << 17)); written out so that checking a
     * level loads no native code.
     */
    ZSTD(4, "zstd", 3, -131072, 22);

    private static final int GZIP_DEFLATE_BUFFER = 8 * 1024;
    private static final int GZIP_INFLATE_BUFFER = 8 * 1024;
    private static final int OUTPUT_BUFFER = 16 * 1024;
    private static final int SNAPPY_CHUNK = 32 * 1024;
    /** xerial's stream header: 0x82 "SNAPPY" 0, then the version and compatible version ints. */
    private static final long SNAPPY_MAGIC = 0x82534E4150505900L;
    private static final int SNAPPY_HEADER_SIZE = 16;
    /**
     * No snappy block expands more than this: the densest element, a 3-byte copy, yields 64 bytes. Rounded
     * up generously; it only has to stop absurd claims.
     */
    private static final int SNAPPY_MAX_RATIO = 32;
    private static final int LZ4_BLOCK = 64 * 1024;
    private static final int ZSTD_BLOCK = 128 * 1024;

    private final int id;
    private final String configName;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(int id, String configName, int defaultLevel, int minLevel, int maxLevel) {
        this.id = id;
        this.configName = configName;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public int id() { return id; }
    public String configName() { return configName; }

    /** The level {@link #wrapForOutput(OutputStream)} compresses at: Kafka's default for the codec. */
    public int defaultLevel() { return defaultLevel; }

    /** Whether this codec accepts {@code level}: its default, or one in Kafka's range for it. */
    public boolean isValidLevel(int level) {
        return level == defaultLevel || (level >= minLevel && level <= maxLevel);
    }

    /** The accepted levels in words, for error messages and docs ("[1,...,17]"). */
    public String levelRange() {
        String range = "[" + minLevel + ",...," + maxLevel + "]";
        return defaultLevel < minLevel ? range + " or " + defaultLevel : range;
    }

    public static Compression fromId(int id) {
        for (Compression c : values()) if (c.id == id) return c;
        throw new IllegalArgumentException("Unknown compression id " + id + " (known: 0-4)");
    }

    /** The codec named as in Kafka's {@code compression.type} (case-insensitive). */
    public static Compression forName(String name) {
        if (name != null) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            for (Compression c : values()) if (c.configName.equals(lower)) return c;
        }
        throw new IllegalArgumentException("Unknown compression type '" + name + "' (valid: "
            + Arrays.stream(values()).map(Compression::configName).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * The most bytes {@link #wrapForOutput} can produce for {@code n} input bytes, whatever the data: each
     * codec's documented worst case (stored blocks for gzip and zstd, uncompressed blocks for lz4, snappy's
     * literal expansion) plus its stream framing, with the framing rounded up.
     */
    public long maxCompressedSize(long n) {
        return switch (this) {
            case NONE -> n;
            // zlib's deflateBound for the default window and memory level, plus the 18-byte gzip wrapper
            case GZIP -> n + (n >> 12) + (n >> 14) + (n >> 25) + 7 + 18 + 64;
            // xerial: 16-byte stream header; per 32 KiB chunk a 4-byte length and snappy's 32 + n/6 worst case
            case SNAPPY -> n + n / 6 + 16 + 36 * (n / SNAPPY_CHUNK + 1);
            // frame header 7, end mark 4, per 64 KiB block a 4-byte size (kept raw when it would not shrink)
            case LZ4 -> n + 11 + 4 * (n / LZ4_BLOCK + 1);
            // ZSTD_COMPRESSBOUND plus frame header, checksum-free trailer and the extra block a flush can emit
            case ZSTD -> n + (n >> 8) + (n < ZSTD_BLOCK ? (ZSTD_BLOCK - n) >> 11 : 0) + 18 + 3 + 64;
        };
    }

    /**
     * A stream that compresses into {@code out} at the default level. Closing it finishes the compressed
     * stream and closes {@code out}. For {@link #NONE} this is {@code out} itself.
     */
    public OutputStream wrapForOutput(OutputStream out) {
        return wrapForOutput(out, defaultLevel);
    }

    /**
     * As {@link #wrapForOutput(OutputStream)} at {@code level}, which must be {@linkplain #isValidLevel
     * valid} for this codec.
     */
    public OutputStream wrapForOutput(OutputStream out, int level) {
        if (!isValidLevel(level)) {
            throw new IllegalArgumentException(configName + " does not support compression level " + level
                + " (valid: " + levelRange() + ")");
        }
        try {
            return switch (this) {
                case NONE -> out;
                case GZIP -> new BufferedOutputStream(new LeveledGzipOutputStream(out, level), OUTPUT_BUFFER);
                case SNAPPY -> new SnappyOutputStream(out);
                case LZ4 -> level == defaultLevel
                    ? new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE)
                    : new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, -1,
                        LZ4Factory.fastestInstance().highCompressor(level), XXHashFactory.fastestInstance().hash32(),
                        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
                case ZSTD -> new BufferedOutputStream(
                    new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE, level), OUTPUT_BUFFER);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + configName + " compression", e);
        }
    }

    /**
     * {@link GZIPOutputStream} with a chosen deflater level. The level is set after the constructor has
     * written the gzip header, as Kafka's own {@code GzipOutputStream} does, so the header bytes are the
     * same at every level.
     */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, GZIP_DEFLATE_BUFFER);
            def.setLevel(level);
        }
    }

    /**
     * A stream of the decompressed bytes of {@code compressed}, from its position to its limit. The
     * buffer's position is not moved (the stream reads a duplicate). Corrupt input surfaces as an
     * {@link IOException} from {@code read}, or as an {@link UncheckedIOException} from here when the
     * codec reads its header eagerly (gzip, snappy, lz4).
     */
    public InputStream wrapForInput(ByteBuffer compressed) {
        InputStream in = new ByteBufferInputStream(compressed.duplicate());
        try {
            return switch (this) {
                case NONE -> in;
                case GZIP -> new GZIPInputStream(in, GZIP_INFLATE_BUFFER);
                case SNAPPY -> {
                    checkSnappyFraming(compressed.duplicate()); // duplicate: big-endian, whatever the caller set
                    yield new CodecErrors(new SnappyInputStream(in), this);
                }
                case LZ4 -> new CodecErrors(new LZ4FrameInputStream(in), this);
                case ZSTD -> new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE);
            };
        } catch (IOException | RuntimeException | SnappyError e) {
            String message = "Cannot start " + configName + " decompression: " + e.getMessage();
            throw new UncheckedIOException(message, e instanceof IOException io ? io : new IOException(message, e));
        }
    }

    /**
     * snappy-java allocates what a chunk's length field and its block's length preamble claim before it
     * reads the data (up to 512 MiB), so a flipped bit can cost a huge allocation. Checking the claims
     * against the bytes actually present first bounds every allocation by the batch's own size. Xerial
     * framing: the 16-byte header (magic, version, compatible version), then chunks of a 4-byte big-endian
     * length and one raw snappy block; a header may recur where streams were concatenated. Input without
     * the header is read by snappy-java as one raw block.
     */
    private static void checkSnappyFraming(ByteBuffer b) throws IOException {
        int pos = b.position();
        int end = b.limit();
        if (end - pos < SNAPPY_HEADER_SIZE || b.getLong(pos) != SNAPPY_MAGIC) {
            checkSnappyBlock(b, pos, end - pos);
            return;
        }
        pos += SNAPPY_HEADER_SIZE;
        while (pos < end) {
            if (end - pos >= SNAPPY_HEADER_SIZE && b.getLong(pos) == SNAPPY_MAGIC) {
                pos += SNAPPY_HEADER_SIZE;
                continue;
            }
            if (end - pos < 4) throw new IOException("snappy chunk length cut off");
            int length = b.getInt(pos);
            pos += 4;
            if (length < 0 || length > end - pos) {
                throw new IOException("snappy chunk claims " + length + " bytes, " + (end - pos) + " present");
            }
            checkSnappyBlock(b, pos, length);
            pos += length;
        }
    }

    /** A raw snappy block starts with its uncompressed length, an unsigned varint of at most 32 bits. */
    private static void checkSnappyBlock(ByteBuffer b, int pos, int length) throws IOException {
        long uncompressed = 0;
        for (int i = 0, shift = 0; ; i++, shift += 7) {
            if (i >= length || i >= 5) throw new IOException("bad snappy block length preamble");
            int x = b.get(pos + i) & 0xFF;
            uncompressed |= (long) (x & 0x7F) << shift;
            if (x < 0x80) break;
        }
        if (uncompressed > (long) length * SNAPPY_MAX_RATIO) {
            throw new IOException("snappy block of " + length + " bytes claims to expand to " + uncompressed);
        }
    }

    /**
     * Turns the unchecked failures of snappy-java ({@link SnappyError}, an {@code Error}) and lz4-java
     * ({@code LZ4Exception}) on corrupt input into the {@link IOException} every other codec throws, so a
     * reader has one thing to catch.
     */
    private static final class CodecErrors extends FilterInputStream {
        private final Compression codec;

        CodecErrors(InputStream in, Compression codec) {
            super(in);
            this.codec = codec;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (RuntimeException | SnappyError e) {
                throw corrupt(e);
            }
        }

        @Override
        public int read(byte[] dest, int offset, int length) throws IOException {
            try {
                return in.read(dest, offset, length);
            } catch (RuntimeException | SnappyError e) {
                throw corrupt(e);
            }
        }

        private IOException corrupt(Throwable cause) {
            return new IOException("Corrupt " + codec.configName + " data: " + cause.getMessage(), cause);
        }
    }

    /** Reads a buffer it owns (a duplicate), so the caller's position and limit never move. */
    private static final class ByteBufferInputStream extends InputStream {
        private final ByteBuffer buffer;

        ByteBufferInputStream(ByteBuffer buffer) { this.buffer = buffer; }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] dest, int offset, int length) {
            if (length == 0) return 0;
            if (!buffer.hasRemaining()) return -1;
            int n = Math.min(length, buffer.remaining());
            buffer.get(dest, offset, n);
            return n;
        }

        @Override
        public long skip(long n) {
            int skipped = (int) Math.max(0, Math.min(n, buffer.remaining()));
            buffer.position(buffer.position() + skipped);
            return skipped;
        }

        @Override
        public int available() { return buffer.remaining(); }
    }
}

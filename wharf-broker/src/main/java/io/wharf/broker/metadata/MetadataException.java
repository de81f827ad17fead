package io.wharf.broker.metadata;

/**
 * A cluster-metadata operation failed: ZooKeeper could not be reached or started, a znode held data that
 * does not parse, or the metadata is in a state that forbids the operation (a broker id already taken).
 * The message always names what was being done and where (connect string, znode path, data directory).
 */
public class MetadataException extends RuntimeException {

    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}

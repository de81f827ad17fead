package io.wharf.broker.metadata;

/**
 * Runs one ZooKeeper call and turns whatever it throws into a {@link MetadataException} that says what was
 * being done. {@link MetadataException} and {@link IllegalArgumentException} pass through unchanged; an
 * interrupt is re-asserted on the thread before it is wrapped.
 */
final class ZkCalls {

    /** A ZooKeeper call; Curator's builders declare {@code throws Exception}. */
    @FunctionalInterface
    interface ZkCall<T> {
        T call() throws Exception;
    }

    /** A ZooKeeper call without a result. */
    @FunctionalInterface
    interface ZkAction {
        void run() throws Exception;
    }

    private ZkCalls() {
    }

    static <T> T call(String what, ZkCall<T> call) {
        try {
            return call.call();
        } catch (MetadataException | IllegalArgumentException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataException(what + ": interrupted", e);
        } catch (Exception e) {
            throw new MetadataException(what + ": " + e, e);
        }
    }

    static void run(String what, ZkAction action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }
}

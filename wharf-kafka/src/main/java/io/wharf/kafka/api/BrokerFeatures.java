package io.wharf.kafka.api;

import org.apache.kafka.common.message.ApiVersionsResponseData;

/**
 * The feature levels this broker advertises in ApiVersions (v3+), as a Kafka 4 cluster does by default:
 * {@code transaction.version} 2 (KIP-890 part 2: producers of 4.x clients then add partitions implicitly
 * and get a new epoch with every EndTxn) and {@code group.version} 1 (the consumer group protocol of
 * KIP-848), and {@code share.version} 1 (share groups, KIP-932, as Kafka 4.2 enables them). Each is finalized at its highest level; the levels never change on this broker, so the
 * finalized-features epoch is a constant.
 */
final class BrokerFeatures {
    static final String TRANSACTION_VERSION = "transaction.version";
    static final String GROUP_VERSION = "group.version";
    static final short TRANSACTION_VERSION_LEVEL = 2;
    static final short GROUP_VERSION_LEVEL = 1;
    static final String SHARE_VERSION = "share.version";
    static final short SHARE_VERSION_LEVEL = 1;
    /** Clients ignore finalized features at epoch -1 (unknown); any fixed non-negative epoch will do. */
    static final long FINALIZED_FEATURES_EPOCH = 1;

    private BrokerFeatures() {
    }

    static void addTo(ApiVersionsResponseData response) {
        ApiVersionsResponseData.SupportedFeatureKeyCollection supported = new ApiVersionsResponseData.SupportedFeatureKeyCollection();
        ApiVersionsResponseData.FinalizedFeatureKeyCollection finalized = new ApiVersionsResponseData.FinalizedFeatureKeyCollection();
        add(supported, finalized, TRANSACTION_VERSION, TRANSACTION_VERSION_LEVEL);
        add(supported, finalized, GROUP_VERSION, GROUP_VERSION_LEVEL);
        add(supported, finalized, SHARE_VERSION, SHARE_VERSION_LEVEL);
        response.setSupportedFeatures(supported).setFinalizedFeatures(finalized).setFinalizedFeaturesEpoch(FINALIZED_FEATURES_EPOCH);
    }

    private static void add(ApiVersionsResponseData.SupportedFeatureKeyCollection supported,
                            ApiVersionsResponseData.FinalizedFeatureKeyCollection finalized, String name, short level) {
        supported.add(new ApiVersionsResponseData.SupportedFeatureKey().setName(name).setMinVersion((short) 0)
            .setMaxVersion(level));
        finalized.add(new ApiVersionsResponseData.FinalizedFeatureKey().setName(name).setMinVersionLevel(level)
            .setMaxVersionLevel(level));
    }
}

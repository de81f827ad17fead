package io.wharf.kafka.metadata;

import io.wharf.broker.BrokerException;
import io.wharf.broker.metadata.PartitionState;
import io.wharf.broker.metadata.TopicMetadata;
import io.wharf.broker.topic.TopicManager;
import io.wharf.broker.metadata.TopicNames;
import io.wharf.kafka.KafkaContext;
import io.wharf.kafka.api.ApiHandler;
import io.wharf.kafka.api.AuthorizedOperations;
import io.wharf.kafka.api.BlockingWork;
import io.wharf.kafka.api.RequestContext;
import io.wharf.kafka.api.TopicIdCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: the live brokers (by the endpoint of the listener the request came in on), the cluster id, the
 * controller, and for each topic asked — by name, or by id from version 12 — its id and partitions with
 * leader, leader epoch, replicas, ISR and offline replicas.
 *
 * <p>A topic that does not exist is UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION when its name is not
 * legal), or is created when the broker and the request allow it ({@link TopicAutoCreation}); an unknown id
 * is UNKNOWN_TOPIC_ID. Partition errors follow Kafka: LEADER_NOT_AVAILABLE when the leader is not live,
 * LISTENER_NOT_FOUND (v6+) when it is live but lacks this listener, and in version 0 only,
 * REPLICA_NOT_AVAILABLE with the unreachable replicas left out.
 *
 * <p>Leadership comes from the broker core's view of ZooKeeper's partition states; the broker list is read
 * from ZooKeeper per request, so the handler runs on {@link BlockingWork}.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final KafkaContext context;
    private final BlockingWork work;
    private final TopicAutoCreation autoCreation;

    public MetadataHandler(KafkaContext context, BlockingWork work) {
        this.context = context;
        this.work = work;
        this.autoCreation = new TopicAutoCreation(context.broker().topics());
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext ctx, MetadataRequest request) {
        return work.submit(() -> respond(ctx, request));
    }

    private AbstractResponse respond(RequestContext ctx, MetadataRequest request) {
        short version = ctx.apiVersion();
        try {
            checkTopics(request, version);
        } catch (InvalidRequestException e) {
            return request.getErrorResponse(0, e);
        }
        TopicManager topics = context.broker().topics();
        LiveBrokers brokers = LiveBrokers.read(context.broker().metadata());
        String listener = ctx.listenerName();

        List<MetadataResponseTopic> answers = new ArrayList<>();
        boolean autoCreate = context.settings().autoCreateTopics() && request.allowAutoTopicCreation() && !request.isAllTopics();
        boolean includeOperations = version >= 8 && request.data().includeTopicAuthorizedOperations();
        for (String name : namesAsked(request, topics, answers)) {
            TopicMetadata topic = topics.topic(name).orElse(null);
            MetadataResponseTopic answer;
            if (topic != null) answer = describe(topic, topics, brokers, listener, version);
            else if (autoCreate) answer = autoCreation.create(name);
            else answer = topicError(name, unknownTopicError(name));
            if (includeOperations && answer.errorCode() == Errors.NONE.code()) {
                answer.setTopicAuthorizedOperations(AuthorizedOperations.topic());
            }
            answers.add(answer);
        }

        MetadataResponseData.MetadataResponseBrokerCollection brokerList = new MetadataResponseData.MetadataResponseBrokerCollection();
        for (LiveBrokers.Node n : brokers.nodes(listener)) {
            brokerList.add(new MetadataResponseBroker().setNodeId(n.id()).setHost(n.host()).setPort(n.port()).setRack(n.rack()));
        }
        MetadataResponseData.MetadataResponseTopicCollection topicList = new MetadataResponseData.MetadataResponseTopicCollection();
        answers.forEach(topicList::add);
        MetadataResponseData data = new MetadataResponseData().setClusterId(context.clusterId())
            .setControllerId(context.broker().controllerId()).setBrokers(brokerList).setTopics(topicList);
        if (version >= 8 && version <= 10 && request.data().includeClusterAuthorizedOperations()) {
            data.setClusterAuthorizedOperations(AuthorizedOperations.cluster());
        }
        return new MetadataResponse(data, version);
    }

    /**
     * The names of the topics to describe: every topic, those named, or those whose ids are given (Kafka uses
     * the ids when any is given). An unknown id is answered into {@code answers} with UNKNOWN_TOPIC_ID.
     */
    private static Set<String> namesAsked(MetadataRequest request, TopicManager topics, List<MetadataResponseTopic> answers) {
        Set<String> names = new LinkedHashSet<>();
        Set<Uuid> ids = new LinkedHashSet<>(request.topicIds());
        ids.remove(Uuid.ZERO_UUID);
        if (request.isAllTopics()) {
            topics.topics().stream().map(TopicMetadata::name).sorted().forEach(names::add);
        } else if (!ids.isEmpty()) {
            for (Uuid id : ids) {
                topics.topicById(TopicIdCodec.toText(id)).ifPresentOrElse(t -> names.add(t.name()),
                    () -> answers.add(new MetadataResponseTopic().setName(null).setTopicId(id)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setPartitions(List.of())));
            }
        } else {
            names.addAll(request.topics());
        }
        return names;
    }

    /** Kafka's rules: a topic needs a name or (from version 12) an id; versions 10 and 11 must not use ids. */
    private static void checkTopics(MetadataRequest request, short version) {
        if (request.isAllTopics()) return;
        for (MetadataRequestData.MetadataRequestTopic t : request.data().topics()) {
            boolean hasId = !Uuid.ZERO_UUID.equals(t.topicId());
            if (t.name() == null && (version < 12 || !hasId)) {
                throw new InvalidRequestException("Topic name can not be null for version " + version);
            }
            if (hasId && version < 12) {
                throw new InvalidRequestException("Topic IDs are not supported in requests for version " + version);
            }
        }
    }

    /** Kafka tells a client that a name it asked for can never exist. */
    private static Errors unknownTopicError(String name) {
        try {
            TopicNames.validate(name);
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } catch (BrokerException e) {
            return Errors.INVALID_TOPIC_EXCEPTION;
        }
    }

    static MetadataResponseTopic topicError(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID).setErrorCode(error.code())
            .setIsInternal(TopicNames.isInternal(name)).setPartitions(List.of());
    }

    private static MetadataResponseTopic describe(TopicMetadata topic, TopicManager topics, LiveBrokers brokers,
                                                  String listener, short version) {
        List<MetadataResponsePartition> partitions = new ArrayList<>(topic.partitionCount());
        for (Map.Entry<Integer, List<Integer>> e : topic.replicaAssignment().entrySet()) {
            PartitionState state = PartitionLeadership.of(topics, topic, e.getKey(), e.getValue());
            partitions.add(partition(e.getKey(), e.getValue(), state, brokers, listener, version));
        }
        return new MetadataResponseTopic().setName(topic.name()).setTopicId(TopicIdCodec.toUuid(topic.topicId()))
            .setErrorCode(Errors.NONE.code()).setIsInternal(TopicNames.isInternal(topic.name())).setPartitions(partitions);
    }

    private static MetadataResponsePartition partition(int index, List<Integer> replicas, PartitionState state,
                                                       LiveBrokers brokers, String listener, short version) {
        // Version 0 leaves out the replicas a client of this listener cannot reach and says so.
        boolean filter = version == 0;
        List<Integer> shownReplicas = filter ? reachable(replicas, brokers, listener) : replicas;
        List<Integer> shownIsr = filter ? reachable(state.isr(), brokers, listener) : state.isr();
        List<Integer> offline = replicas.stream().filter(r -> !brokers.isLive(r)).toList();
        MetadataResponsePartition p = new MetadataResponsePartition().setPartitionIndex(index)
            .setLeaderEpoch(state.leaderEpoch()).setReplicaNodes(shownReplicas).setIsrNodes(shownIsr).setOfflineReplicas(offline);
        boolean leaderReachable = state.leader() != PartitionState.NO_LEADER && brokers.node(state.leader(), listener).isPresent();
        if (!leaderReachable) {
            boolean listenerMissing = state.leader() != PartitionState.NO_LEADER && brokers.isLive(state.leader());
            Errors error = listenerMissing && version >= 6 ? Errors.LISTENER_NOT_FOUND : Errors.LEADER_NOT_AVAILABLE;
            return p.setLeaderId(MetadataResponse.NO_LEADER_ID).setErrorCode(error.code());
        }
        boolean missing = shownReplicas.size() < replicas.size() || shownIsr.size() < state.isr().size();
        return p.setLeaderId(state.leader()).setErrorCode((missing ? Errors.REPLICA_NOT_AVAILABLE : Errors.NONE).code());
    }

    private static List<Integer> reachable(Collection<Integer> ids, LiveBrokers brokers, String listener) {
        return ids.stream().filter(id -> brokers.node(id, listener).isPresent()).toList();
    }
}

package io.wharf.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-thread scratch: deduplication, clearing, and one scratch per nested match. */
class MatchScratchTest {

    @Test
    void reportsEachDestinationOnceByEquality() {
        MatchScratch scratch = MatchScratch.acquire();
        try {
            assertThat(scratch.firstSight("q1")).isTrue();
            assertThat(scratch.firstSight(new String("q1"))).isFalse();
            assertThat(scratch.firstSight("q2")).isTrue();
            for (int i = 0; i < 10_000; i++) {
                assertThat(scratch.firstSight(i)).isTrue();
            }
            for (int i = 0; i < 10_000; i++) {
                assertThat(scratch.firstSight(i)).isFalse();
            }
        } finally {
            scratch.release();
        }
    }

    @Test
    void releaseForgetsEverything() {
        MatchScratch scratch = MatchScratch.acquire();
        TopicNode<String> node = new TopicNode<>(0);
        scratch.found(node);
        scratch.firstSight("q1");
        scratch.release();
        MatchScratch again = MatchScratch.acquire();
        try {
            assertThat(again).as("the thread's scratch is reused").isSameAs(scratch);
            assertThat(again.foundCount()).isZero();
            assertThat(again.firstSight("q1")).isTrue();
        } finally {
            again.release();
        }
    }

    @Test
    void aNestedMatchGetsItsOwnScratch() {
        MatchScratch outer = MatchScratch.acquire();
        try {
            outer.firstSight("q1");
            MatchScratch inner = MatchScratch.acquire();
            try {
                assertThat(inner).isNotSameAs(outer);
                assertThat(inner.firstSight("q1")).isTrue();
            } finally {
                inner.release();
            }
            assertThat(outer.firstSight("q1")).as("the outer match's record survives").isFalse();
        } finally {
            outer.release();
        }
    }

    @Test
    void aNodeReachableTwoWaysIsRecordedOnce() {
        MatchScratch scratch = MatchScratch.acquire();
        try {
            TopicNode<String> twice = new TopicNode<>(2);
            TopicNode<String> once = new TopicNode<>(1);
            scratch.found(twice);
            scratch.found(once);
            scratch.found(twice);
            assertThat(scratch.foundCount()).isEqualTo(2);
            assertThat(scratch.found(0)).isSameAs(twice);
            assertThat(scratch.found(1)).isSameAs(once);
        } finally {
            scratch.release();
        }
    }
}

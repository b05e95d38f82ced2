package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A queue share per source: each sender's flood overflows only its own queue, and senders are served in turns. */
class QueueSharePerSourceTest {
    static FlowMessage from(String yard, int i) {
        return FlowMessage.builder(Kind.REQ, Address.of("hub", yard), Address.of("hub", "svc", "jobs"))
                .id(yard + "-" + i).data(i).build();
    }

    @Test
    void aFloodOverflowsOnlyItsOwnQueueAndSendersTakeTurns() throws Exception {
        QueueShare q = QueueShare.perSource("jobs", 10, QueueShare.Overflow.DROP_OLDEST);
        assertThat(q.isPerSource()).isTrue();
        for (int i = 0; i < 300; i++) {
            q.deliver(from("flood", i));
        }
        for (int i = 0; i < 3; i++) {
            q.deliver(from("asker", i));
        }
        assertThat(q.size()).isEqualTo(13);
        assertThat(q.dropped()).isEqualTo(290);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(q.take(Duration.ofSeconds(1)).orElseThrow().id());
        }
        // the flood's newest ten were kept (its oldest dropped), and the asker's three come in turns
        assertThat(ids).containsExactly("flood-290", "asker-0", "flood-291", "asker-1", "flood-292", "asker-2");
    }

    @Test
    void theSendersTogetherHoldABoundedNumberAndRefuseNewSendersBeyondIt() {
        QueueShare q = QueueShare.perSource("jobs", 2, QueueShare.Overflow.REFUSE_NEW);
        int taken = 0;
        for (int s = 0; s < 100; s++) {
            for (int i = 0; i < 3; i++) {
                if (q.offer(from("y" + s, i))) {
                    taken++;
                }
            }
        }
        assertThat(taken).isEqualTo(2 * QueueShare.MAX_SOURCES);
        assertThat(q.size()).isEqualTo(2 * QueueShare.MAX_SOURCES);
        assertThat(q.dropped()).isEqualTo(300 - taken);
    }

    @Test
    void oneQueueForAllIsFirstInFirstOutAsBefore() {
        QueueShare q = new QueueShare("jobs", 3, QueueShare.Overflow.DROP_OLDEST);
        for (int i = 0; i < 5; i++) {
            q.deliver(from(i % 2 == 0 ? "a" : "b", i));
        }
        assertThat(q.drain()).extracting(FlowMessage::id).containsExactly("a-2", "b-3", "a-4");
    }
}

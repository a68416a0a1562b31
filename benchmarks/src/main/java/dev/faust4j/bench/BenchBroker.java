package dev.faust4j.bench;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark broker: a single-node KRaft cluster ({@code KafkaClusterTestKit}, ecosystem.md B.3) in its own
 * JVM, listening on 127.0.0.1 only. Prints {@code @@READY bootstrap=127.0.0.1:PORT} and runs until its stdin
 * closes or it is terminated. The loopback binding follows faust4j-kafka's test kit: the kit's own socket
 * manager binds the wildcard address, so it is replaced (by reflection) with one bound to 127.0.0.1.
 */
final class BenchBroker {
    private BenchBroker() {
    }

    static final Map<String, String> CONFIG = new LinkedHashMap<>();

    static {
        CONFIG.put("offsets.topic.replication.factor", "1");
        CONFIG.put("offsets.topic.num.partitions", "8");
        CONFIG.put("transaction.state.log.replication.factor", "1");
        CONFIG.put("transaction.state.log.min.isr", "1");
        CONFIG.put("group.initial.rebalance.delay.ms", "0");
        CONFIG.put("num.partitions", "8");
        CONFIG.put("auto.create.topics.enable", "true");
        CONFIG.put("delete.topic.enable", "true");
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 0);
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .build();
        String broker = "EXTERNAL"; // TestKitDefaults.DEFAULT_BROKER_LISTENER_NAME
        String controller = "CONTROLLER"; // TestKitDefaults.DEFAULT_CONTROLLER_LISTENER_NAME
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        CONFIG.forEach(builder::setConfigProp);
        builder.setConfigProp("listeners", broker + "://127.0.0.1:" + port + "," + controller + "://127.0.0.1:0");
        Field field = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
        field.setAccessible(true);
        ((PreboundSocketFactoryManager) field.get(builder)).close();
        field.set(builder, new LoopbackSockets(port == 0 ? Map.of() : Map.of(broker, port)));
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("broker close failed: " + e);
            }
        }));
        System.out.println(Probe.READY + " bootstrap=" + cluster.bootstrapServers());
        System.out.flush();
        // Until the harness goes away (stdin closes) or stops us.
        while (System.in.read() >= 0) {
            // ignore input
        }
        System.exit(0);
    }

    /** Binds the kit's listeners to 127.0.0.1 (optionally at fixed ports). */
    @SuppressWarnings("try") // close() throws InterruptedException: inherited from the Kafka test kit
    static final class LoopbackSockets extends PreboundSocketFactoryManager {
        private final Map<String, Integer> fixedPorts;
        private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
        private final Map<Integer, Set<String>> used = new HashMap<>();

        LoopbackSockets(Map<String, Integer> fixedPorts) {
            this.fixedPorts = fixedPorts;
        }

        @Override
        public synchronized ServerSocketChannel getSocketForListenerAndMarkAsUsed(int nodeId, String listener) {
            ServerSocketChannel s = sockets.getOrDefault(nodeId, Map.of()).get(listener);
            if (s != null) {
                used.computeIfAbsent(nodeId, n -> new HashSet<>()).add(listener);
            }
            return s;
        }

        @Override
        public synchronized int getOrCreatePortForListener(int nodeId, String listener) throws IOException {
            Map<String, ServerSocketChannel> forNode = sockets.computeIfAbsent(nodeId, n -> new HashMap<>());
            ServerSocketChannel s = forNode.get(listener);
            if (s == null) {
                InetAddress loopback = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
                s = ServerSocketChannel.open();
                s.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                s.bind(new InetSocketAddress(loopback, fixedPorts.getOrDefault(listener, 0)));
                s.configureBlocking(false);
                forNode.put(listener, s);
            }
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }

        @Override
        public synchronized void close() throws Exception {
            sockets.forEach((node, byListener) -> byListener.forEach((listener, s) -> {
                if (!used.getOrDefault(node, Set.of()).contains(listener)) {
                    Utils.closeQuietly(s, "serverSocketChannel");
                }
            }));
            super.close();
        }
    }
}

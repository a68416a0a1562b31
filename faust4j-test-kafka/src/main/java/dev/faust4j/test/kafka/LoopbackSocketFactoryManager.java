package dev.faust4j.test.kafka;

import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.ServerSocketFactory;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Design note. KafkaClusterTestKit binds every listener before the servers start, through its
 * PreboundSocketFactoryManager, and that class binds to the wildcard address (new InetSocketAddress(0)): the
 * broker would listen on every interface. This subclass binds to 127.0.0.1 instead and can give a listener a
 * fixed port (LocalKafkaBroker's 9092). Nothing here ever binds another address than 127.0.0.1. It replaces the
 * kit's own state entirely: the kit's socket factories call back into getSocketForListenerAndMarkAsUsed, which is
 * overridden here, so the superclass maps stay empty.
 * EmbeddedKafka installs it into KafkaClusterTestKit.Builder by reflection (the kit has no setter for it).
 *
 * Restarts. A BrokerServer that is shut down closes its listener socket; started again, it asks its socket factory
 * for the listener once more. Kafka's own factory would then open a new socket on the configured host (for us
 * 127.0.0.1) and the old port; this class does the same explicitly: a used socket that has been closed is bound
 * again, on 127.0.0.1 and the port it had, so a restarted broker keeps its address and clients reconnect by
 * themselves (EmbeddedKafka.stopBroker/restartBroker). Binding again can fail only if something else took the
 * port meanwhile.
 */
// the superclass synchronizes its methods on its own state, which this class never uses; its own lock guards its own
@SuppressWarnings("UnsynchronizedOverridesSynchronized")
final class LoopbackSocketFactoryManager extends PreboundSocketFactoryManager {

    /** 127.0.0.1, whatever the JVM's IPv6 preference. */
    static final InetAddress LOOPBACK = loopback();

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> fixedPorts;
    private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
    private final Map<Integer, Map<String, Integer>> ports = new HashMap<>();
    private final Map<Integer, Set<String>> used = new HashMap<>();
    private boolean closed;

    /** @param fixedPorts listener name to port; other listeners get an ephemeral port */
    LoopbackSocketFactoryManager(Map<String, Integer> fixedPorts) {
        this.fixedPorts = Map.copyOf(fixedPorts);
    }

    @Override
    public @Nullable ServerSocketChannel getSocketForListenerAndMarkAsUsed(int nodeId, String listener) {
        lock.lock();
        try {
            ServerSocketChannel socket = sockets.getOrDefault(nodeId, Map.of()).get(listener);
            if (socket == null) {
                return null;
            }
            if (!socket.isOpen()) { // a restart: the server closed it when it shut down
                if (closed) {
                    throw new IllegalStateException(
                            "cannot reopen the socket for " + listener + ": the socket manager is closed");
                }
                int port = portOf(nodeId, listener);
                try {
                    socket = ServerSocketFactory.INSTANCE.openServerSocket(listener,
                            new InetSocketAddress(LOOPBACK, port), -1, -1);
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException("cannot bind " + listener + " to 127.0.0.1:" + port
                            + " again (another process took the port?): " + e, e);
                }
                sockets.computeIfAbsent(nodeId, n -> new HashMap<>()).put(listener, socket);
            }
            used.computeIfAbsent(nodeId, n -> new HashSet<>()).add(listener);
            return socket;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int getOrCreatePortForListener(int nodeId, String listener) throws IOException {
        lock.lock();
        try {
            Map<String, ServerSocketChannel> forNode = sockets.computeIfAbsent(nodeId, n -> new HashMap<>());
            ServerSocketChannel socket = forNode.get(listener);
            if (socket == null) {
                if (closed) {
                    throw new IllegalStateException(
                            "cannot open a socket for " + listener + ": the socket manager is closed");
                }
                int port = fixedPorts.getOrDefault(listener, 0);
                socket = ServerSocketFactory.INSTANCE.openServerSocket(listener, new InetSocketAddress(LOOPBACK, port),
                        -1, -1);
                forNode.put(listener, socket);
                ports.computeIfAbsent(nodeId, n -> new HashMap<>())
                        .put(listener, ((InetSocketAddress) socket.getLocalAddress()).getPort());
            }
            return portOf(nodeId, listener);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // sockets handed to a SocketServer are closed by it; close only the ones never used
            sockets.forEach((node, byListener) -> byListener.forEach((listener, socket) -> {
                if (!used.getOrDefault(node, Set.of()).contains(listener)) {
                    Utils.closeQuietly(socket, "serverSocketChannel");
                }
            }));
        } finally {
            lock.unlock();
        }
        try {
            super.close(); // holds nothing, see the design note; marks it closed
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private int portOf(int nodeId, String listener) { // under lock
        Integer port = ports.getOrDefault(nodeId, Map.of()).get(listener);
        if (port == null) {
            throw new IllegalStateException("no port was bound for listener " + listener + " of node " + nodeId);
        }
        return port;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // never: the address has a valid length
        }
    }
}

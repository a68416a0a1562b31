package dev.faust4j.examples;

/**
 * Runs an example: {@code Examples [withdrawals|order-totals|page-views] [--broker URL] [--count N] [--forever]
 * [--web-port N]} ({@code --forever} and {@code --web-port}: withdrawals only).
 * The broker defaults to the embedded {@code memory://}; pass {@code --broker kafka://127.0.0.1:9092} for Kafka.
 */
public final class Examples {
    private Examples() {}

    public static void main(String[] args) throws InterruptedException {
        String name = args.length > 0 && !args[0].startsWith("--") ? args[0] : "withdrawals";
        String broker = "memory://";
        int count = 1000;
        boolean forever = false;
        int webPort = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--broker" -> broker = args[++i];
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--forever" -> forever = true;
                case "--web-port" -> webPort = Integer.parseInt(args[++i]);
                default -> {}
            }
        }
        int code = switch (name) {
            case "withdrawals" -> Withdrawals.run(broker, count, forever, webPort);
            case "order-totals", "orders" -> OrderTotals.run(broker, count);
            case "page-views", "views" -> PageViews.run(broker, count);
            default -> {
                System.err.println("unknown example '" + name + "': use withdrawals, order-totals or page-views");
                yield 2;
            }
        };
        System.exit(code);
    }
}

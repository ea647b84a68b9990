package dev.switchboard.standalone;

import dev.switchboard.testing.PostgresServer;
import org.junit.jupiter.api.AfterAll;

/** Database topics end to end on a real PostgreSQL server (started by the test); the writer is {@code psql}. */
class PostgresRunnerTableTopicsTest extends RunnerTableTopicsContract {

    private PostgresServer server;

    @Override
    String newDatabase() {
        server = PostgresServer.start();
        return server.createDatabase();
    }

    @Override
    String user() {
        return "postgres";
    }

    @Override
    void write(String... statements) {
        server.psql(url(), "BEGIN; " + String.join("; ", statements) + "; COMMIT;");
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}

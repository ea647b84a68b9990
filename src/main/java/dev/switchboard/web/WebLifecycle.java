package dev.switchboard.web;

import dev.switchboard.core.Settings;
import dev.switchboard.core.Switchboard;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Starts Switchboard with the web application (settings from init-params, system properties, environment) and stops it on undeploy (1001). */
@WebListener
public class WebLifecycle implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Switchboard.start(Settings.fromSystem(event.getServletContext()::getInitParameter));
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Switchboard.stop();
    }
}

/**
 * Spring Boot 3 auto-configuration: Switchboard switched on by adding the classes jar to a Spring Boot web application
 * on its embedded server, with settings from the Spring environment, beans to inject, and meters in Actuator. Spring
 * classes are provided by the application; nothing here is loaded without Spring Boot.
 */
package dev.switchboard.spring;

package io.wharf.amqp.frame;

/** The client sent the right protocol header: the connection may start. */
public enum ProtocolHeader { INSTANCE }

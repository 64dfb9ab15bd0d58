"""Platform connectors: turn platform JSON into InboundMessage batches and send replies."""

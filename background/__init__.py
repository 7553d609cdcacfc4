"""Work the service does besides answering requests, started and stopped by the app's lifespan:
every job is an `async` function of the services that runs until it is cancelled."""

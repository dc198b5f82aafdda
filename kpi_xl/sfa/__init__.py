"""Reading SFA/CRM exports (pandas): files, headers, cleaning, aggregation into engine inputs."""

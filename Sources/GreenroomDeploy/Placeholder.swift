// Placeholder until the GreenroomDeploy issue lands.

// Placeholder until the GreenroomServer issue lands.

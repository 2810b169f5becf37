// Placeholder until the GreenroomGuard issue lands.

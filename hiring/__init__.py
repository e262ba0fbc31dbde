"""hiring: assessments for customer-service hiring. The app is built by hiring.app."""

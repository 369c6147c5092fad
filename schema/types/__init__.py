"""GraphQL object types. Thin: fields map rows to the API, rules live in resolvers/."""

// Imported first by every entry point (server/main.ts, server/compiled.ts), before anything loads Elysia: Elysia reads
// NODE_ENV once, when its module is first evaluated. In development mode it pretty-prints the whole invalid value
// into every validation error, and one deeply nested body then stalls the process for seconds and takes gigabytes.
// Forced, not defaulted: a NODE_ENV=development left in an operator's shell must not reopen that.
process.env.NODE_ENV = 'production';

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "standalone",
  poweredByHeader: false,
  // The app applies its own migrations at start-up, so the standalone bundle must carry them.
  outputFileTracingIncludes: { "/*": ["./prisma/migrations/**/*"] },
  serverExternalPackages: ["mysql2", "@prisma/adapter-mariadb", "mariadb", "pino"],
};

export default nextConfig;

import { main } from "./main.js";

// A reader that stops early (`porteiro … | head`) closes the pipe: that ends the command quietly,
// as it ends any Unix filter, instead of an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);

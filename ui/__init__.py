"""Qt screens of 村档. Importing the package itself loads no Qt."""

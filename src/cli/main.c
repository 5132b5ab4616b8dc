/*
 * main.c - the dipreg command: dispatches to a subcommand in cli/.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}

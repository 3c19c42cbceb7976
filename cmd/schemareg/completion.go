package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// shell is a shell completion writes a script for.
type shell struct {
	name  string
	write func(io.Writer, []completed)
}

func shells() []shell {
	return []shell{{"bash", writeBash}, {"zsh", writeZsh}, {"fish", writeFish}}
}

const completionSynopsis = `completion bash|zsh|fish

Prints a script that completes schemareg's commands, their flags, the values of
the flags that take one of a few, and file names otherwise. Install it:

  bash  add to ~/.bashrc:
          source <(schemareg completion bash)
  zsh   write it as _schemareg into a folder of $fpath, before compinit runs:
          mkdir -p ~/.zfunc && schemareg completion zsh > ~/.zfunc/_schemareg
        and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish  write it into fish's completions folder:
          schemareg completion fish > ~/.config/fish/completions/schemareg.fish

The script is made from the commands' own flags: write it again after an upgrade.`

// runCompletion prints the completion script of a shell.
func runCompletion(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("completion", completionSynopsis, e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	for _, s := range shells() {
		if fs.NArg() == 1 && fs.Arg(0) == s.name {
			s.write(e.stdout, completionCommands(ctx))
			return nil
		}
	}
	what := "no shell given"
	if fs.NArg() > 0 {
		what = fmt.Sprintf("unknown shell %q", strings.Join(fs.Args(), " "))
	}
	return usageErrorf("completion: %s; use %s\nRun \"schemareg help completion\" for how to install it.", what, strings.Join(shellNames(), ", "))
}

// completed is what a completion script knows of a command.
type completed struct {
	name, summary string
	flags         []completedFlag
	// args are the words its arguments are; none means file names.
	args []string
}

// completedFlag is a flag of a command.
type completedFlag struct {
	name, usage string
	takesValue  bool
	values      []string // the values it takes, when they are a fixed set
}

// completionCommands reads every command's flags from the command itself,
// and adds help, whose argument is a command.
func completionCommands(ctx context.Context) []completed {
	var out []completed
	var names []string
	for _, c := range commands() {
		cc := completed{name: c.name, summary: c.summary}
		var fs *flag.FlagSet
		quiet := &env{
			getenv:   func(string) string { return "" },
			stdin:    strings.NewReader(""),
			stdout:   io.Discard,
			stderr:   io.Discard,
			describe: func(f *flag.FlagSet) { fs = f },
		}
		_ = c.run(ctx, nil, quiet) // ends at its flags: errHelp
		if fs != nil {
			fs.VisitAll(func(f *flag.Flag) { cc.flags = append(cc.flags, describeFlag(f)) })
		}
		if c.name == "completion" {
			cc.args = shellNames()
		}
		out = append(out, cc)
		names = append(names, c.name)
	}
	return append(out, completed{name: "help", summary: "print the commands, or a command's flags", args: names})
}

func describeFlag(f *flag.Flag) completedFlag {
	_, usage := flag.UnquoteUsage(f)
	usage, _, _ = strings.Cut(usage, "\n")
	cf := completedFlag{name: f.Name, usage: usage, takesValue: true}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		cf.takesValue = false
	}
	if c, ok := f.Value.(*choice); ok {
		cf.values = c.values
	}
	return cf
}

// commandWords are the words after "schemareg": the commands, then
// --help and --version.
func commandWords(cmds []completed) string {
	var w []string
	for _, c := range cmds {
		w = append(w, c.name)
	}
	return strings.Join(append(w, "--help", "--version"), " ")
}

// writeBash writes the bash script: the command table as case statements,
// read by one completion function.
func writeBash(w io.Writer, cmds []completed) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# bash completion for schemareg, written by \"schemareg completion bash\".")
	p("# Load it from ~/.bashrc: source <(schemareg completion bash)")
	p("")
	p("# _schemareg_flags CMD sets REPLY to the flags of a command.")
	p("_schemareg_flags() {")
	p("\tcase $1 in")
	for _, c := range cmds {
		var fl []string
		for _, f := range c.flags {
			fl = append(fl, "--"+f.name)
		}
		p("\t%s) REPLY=%s ;;", c.name, shellQuote(strings.Join(fl, " ")))
	}
	p("\t*) REPLY= ;;")
	p("\tesac")
	p("}")
	p("")
	p("# _schemareg_args CMD sets REPLY to the words a command's arguments are;")
	p("# it fails when they are file names.")
	p("_schemareg_args() {")
	p("\tcase $1 in")
	for _, c := range cmds {
		if len(c.args) > 0 {
			p("\t%s) REPLY=%s ;;", c.name, shellQuote(strings.Join(c.args, " ")))
		}
	}
	p("\t*) return 1 ;;")
	p("\tesac")
	p("}")
	p("")
	p("# _schemareg_values CMD FLAG sets REPLY to the values of a flag that takes")
	p("# one of a fixed set; it returns 1 for a flag whose value is any word (a")
	p("# file name), 2 for a flag that takes no value or is unknown.")
	p("_schemareg_values() {")
	p("\tcase $1:$2 in")
	var sets []string
	byValues := map[string][]string{}
	for _, c := range cmds {
		var free []string
		for _, f := range c.flags {
			switch {
			case len(f.values) > 0:
				v := strings.Join(f.values, " ")
				if _, ok := byValues[v]; !ok {
					sets = append(sets, v)
				}
				byValues[v] = append(byValues[v], c.name+":"+f.name)
			case f.takesValue:
				free = append(free, c.name+":"+f.name)
			}
		}
		if len(free) > 0 {
			p("\t%s) return 1 ;;", strings.Join(free, "|"))
		}
	}
	for _, v := range sets {
		p("\t%s) REPLY=%s ;;", strings.Join(byValues[v], "|"), shellQuote(v))
	}
	p("\t*) return 2 ;;")
	p("\tesac")
	p("}")
	p("")
	p(`# _schemareg_files completes file names, each after the prefix $1.
_schemareg_files() {
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -P "$1" -f -- "$cur"))
}

_schemareg() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}
	local flag= pre= i REPLY
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W %s -- "$cur"))
		return 0
	fi
	# After "--", every word is an argument.
	for ((i = 2; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			_schemareg_files
			return 0
		fi
	done
	# A flag's value: --flag VALUE, or --flag=VALUE, which bash splits into
	# three words when COMP_WORDBREAKS holds "=".
	if [[ $cur == = && $prev == -* ]]; then
		flag=$prev cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 2)) && [[ ${COMP_WORDS[COMP_CWORD-2]} == -* ]]; then
		flag=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == -*=* ]]; then
		flag=${cur%%%%=*} pre=${cur%%%%=*}= cur=${cur#*=}
	elif [[ $prev == -?* ]]; then
		flag=$prev
	fi
	if [[ -n $flag ]]; then
		flag=${flag#-}
		_schemareg_values "$cmd" "${flag#-}"
		case $? in
		0)
			COMPREPLY=($(compgen -P "$pre" -W "$REPLY" -- "$cur"))
			return 0
			;;
		1)
			_schemareg_files "$pre"
			return 0
			;;
		esac
		[[ -n $pre ]] && return 0 # --flag=VALUE of a flag that takes none
	fi
	if [[ $cur == -* ]]; then
		_schemareg_flags "$cmd"
		COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
	elif _schemareg_args "$cmd"; then
		COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
	else
		_schemareg_files
	fi
	return 0
}

complete -F _schemareg schemareg`, shellQuote(commandWords(cmds)))
}

// writeZsh writes the zsh script: one _arguments call per command. It
// works from $fpath as the autoloaded _schemareg and when sourced.
func writeZsh(w io.Writer, cmds []completed) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("#compdef schemareg")
	p("# zsh completion for schemareg, written by \"schemareg completion zsh\".")
	p("# Install it as _schemareg in a folder of $fpath, before compinit runs:")
	p("#   schemareg completion zsh > ~/.zfunc/_schemareg  (and fpath=(~/.zfunc $fpath) in ~/.zshrc)")
	p("")
	p("_schemareg() {")
	p("\tlocal -a commands")
	p("\tcommands=(")
	for _, c := range cmds {
		p("\t\t%s", shellQuote(c.name+":"+c.summary))
	}
	p("\t)")
	p("\tif ((CURRENT == 2)); then")
	p("\t\tif [[ $PREFIX == -* ]]; then")
	p("\t\t\tcompadd -- --help --version")
	p("\t\telse")
	p("\t\t\t_describe -t commands 'schemareg command' commands")
	p("\t\tfi")
	p("\t\treturn")
	p("\tfi")
	p("\tlocal cmd=$words[2]")
	p("\tshift words")
	p("\t((CURRENT--))")
	p("\tcurcontext=\"${curcontext%%:*:*}:schemareg-$cmd:\"")
	p("\tcase $cmd in")
	for _, c := range cmds {
		p("\t(%s)", c.name)
		p("\t\t_arguments -S \\")
		for _, f := range c.flags {
			spec := "--" + f.name
			if f.takesValue {
				spec += "="
			}
			spec += "[" + zshEscape(f.usage) + "]"
			switch {
			case len(f.values) > 0:
				spec += ":" + f.name + ":(" + strings.Join(f.values, " ") + ")"
			case f.takesValue:
				spec += ":" + f.name + ":_files"
			}
			p("\t\t\t%s \\", shellQuote(spec))
		}
		if len(c.args) > 0 {
			p("\t\t\t%s", shellQuote("*:argument:("+strings.Join(c.args, " ")+")"))
		} else {
			p("\t\t\t'*:file:_files'")
		}
		p("\t\t;;")
	}
	p("\t(*)")
	p("\t\t_files")
	p("\t\t;;")
	p("\tesac")
	p("}")
	p("")
	p("if [[ $funcstack[1] == _schemareg ]]; then")
	p("\t_schemareg \"$@\"")
	p("else")
	p("\tcompdef _schemareg schemareg")
	p("fi")
}

// writeFish writes the fish script: one complete line per command and per
// flag.
func writeFish(w io.Writer, cmds []completed) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# fish completion for schemareg, written by \"schemareg completion fish\".")
	p("# Install it: schemareg completion fish > ~/.config/fish/completions/schemareg.fish")
	p("")
	p("# __schemareg_needs_command: the command line has no command yet.")
	p("function __schemareg_needs_command")
	p("\ttest (count (commandline -opc)) -eq 1")
	p("end")
	p("")
	p("# __schemareg_command CMD...: the command line's command is one of CMD.")
	p("function __schemareg_command")
	p("\tset -l words (commandline -opc)")
	p("\ttest (count $words) -ge 2; and contains -- $words[2] $argv")
	p("end")
	p("")
	p("complete -c schemareg -f -n __schemareg_needs_command -l help -d 'print the commands'")
	p("complete -c schemareg -f -n __schemareg_needs_command -l version -d 'print the version'")
	for _, c := range cmds {
		p("complete -c schemareg -f -n __schemareg_needs_command -a %s -d %s", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		if len(c.flags) == 0 && len(c.args) == 0 {
			continue
		}
		p("")
		cond := fishQuote("__schemareg_command " + c.name)
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c schemareg -n %s -l %s", cond, f.name)
			switch {
			case len(f.values) > 0:
				line += " -x -a " + fishQuote(strings.Join(f.values, " "))
			case f.takesValue:
				line += " -r"
			}
			p("%s -d %s", line, fishQuote(f.usage))
		}
		if len(c.args) > 0 {
			p("complete -c schemareg -n %s -f -a %s", cond, fishQuote(strings.Join(c.args, " ")))
		}
	}
}

// shellQuote quotes s for bash and zsh, in single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote quotes s for fish, in single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// zshEscape escapes what ends or splits a description in an _arguments spec.
func zshEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}

// shellNames are the shells completion writes for.
func shellNames() []string {
	var names []string
	for _, s := range shells() {
		names = append(names, s.name)
	}
	return names
}

from tendik.review.cli import main as _main


def main() -> None:
    raise SystemExit(_main())


if __name__ == "__main__":
    main()


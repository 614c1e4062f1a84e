# The scaler's state as a Tcl dict (to save with a checkpoint).
set scaler [torch::grad_scaler_new 512.0 -device cpu]
set state [torch::grad_scaler_state_dict $scaler]
dict for {key value} $state { puts "$key = $value" }

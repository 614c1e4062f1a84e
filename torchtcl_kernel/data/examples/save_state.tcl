# Save a layer's whole state, including that it is in evaluation mode and its weight is frozen.
set bn [torch::batch_norm1d 3]
torch::model_eval $bn
torch::freeze_model $bn
close [file tempfile path /tmp/bn_state.pt]
puts [torch::save_state $bn $path]
puts "saved [file size $path] bytes"
file delete $path
